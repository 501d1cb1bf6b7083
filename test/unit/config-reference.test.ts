import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE_PATH, configReference, undocumentedFields } from '../../scripts/config-reference.js';

describe('the config reference (docs/config.md)', () => {
  it('is what the config schema generates (run `npm run docs:config` after changing src/config/schema.ts)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '..', '..', CONFIG_REFERENCE_PATH), 'utf8');
    expect(onDisk).toBe(configReference());
  });

  it("describes every field: give a new one a .describe('…') text in the schema", () => {
    expect(undocumentedFields()).toEqual([]);
  });

  it('lists every section and nested field with its type and default', () => {
    const text = configReference();
    for (const section of ['server', 'storage', 'logs', 'upstreams', 'models', 'keys', 'prices', 'cache', 'security', 'logging'])
      expect(text).toContain(`## \`${section}\``);
    expect(text).toContain('| `server.port` | integer 0–65535 | `8788` |');
    expect(text).toContain('| `upstreams[].credentials[].key` | string | required |');
    expect(text).toContain('| `cache.maxBytes` | integer > 0 | `104857600` (100 MiB) |');
    expect(text).toContain('| `prices.<name>.image` | number ≥ 0 or map of name to number ≥ 0 | — |');
    expect(text).toContain('| `models[].routes[].model` | string | required |');
  });
});
