import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The project's own ESLint config, run on small snippets placed at paths in
 * src/ (the files need not exist): the layering and portability rules fire
 * where docs/architecture.md says they do, and only there.
 */
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

/** The messages of the layering and portability rules for `code` placed at `path`. */
async function problems(path: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages
    .filter((m) => m.fatal || ['no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals'].includes(m.ruleId ?? ''))
    .map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('layering rule', () => {
  it('refuses an import up the layers, saying which layer may not import which', async () => {
    const found = await problems('src/translate/anthropic/probe.ts', "import type { Usage } from '../../store/types.js';\nexport type U = Usage;\n");
    expect(found).toHaveLength(1);
    expect(found[0].rule).toBe('no-restricted-imports');
    expect(found[0].message).toContain('translate/ (the IR and the codecs, which know wire formats only) may not import store/');
    expect(found[0].message).toContain('layers only import downward');
  });

  it('refuses the same in import() and in import() types', async () => {
    const code = "export const load = () => import('../../store/store.js');\nexport type S = import('../../store/store.js').Store;\n";
    const found = await problems('src/translate/anthropic/probe.ts', code);
    expect(found.map((p) => p.rule)).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
    for (const p of found) expect(p.message).toContain('translate/ (the IR and the codecs, which know wire formats only) may not import store/');
    expect(await problems('src/translate/anthropic/probe.ts', "export const load = () => import('../ir.js');\n")).toEqual([]);
  });

  it('refuses config/ importing policy/, and the store importing routing/', async () => {
    const config = await problems('src/config/probe.ts', "export { parseCidrList } from '../policy/ip-allowlist.js';\n");
    expect(config.map((p) => p.message)).toEqual([expect.stringContaining('config/ (')]);
    expect(config[0].message).toContain('may not import policy/');
    const store = await problems('src/store/probe.ts', "import type { Catalog } from '../routing/catalog.js';\nexport type C = Catalog;\n");
    expect(store.map((p) => p.message)).toEqual([expect.stringContaining('store/ (the Store port, its records and adapters, the counters) may not import routing/')]);
  });

  it('lets a layer import the layers below it and its own row', async () => {
    const code = [
      "import type { Usage } from '../translate/ir.js';",
      "import type { UpstreamKind } from '../config/schema.js';",
      "import type { Protocol } from '../protocols/protocol.js';",
      'export type T = [Usage, UpstreamKind, Protocol];',
    ].join('\n');
    expect(await problems('src/store/probe.ts', code)).toEqual([]);
    const peers = "import type { Catalog } from '../routing/catalog.js';\nimport type { Store } from '../store/store.js';\nexport type T = [Catalog, Store];\n";
    expect(await problems('src/policy/probe.ts', peers)).toEqual([]);
  });

  it('refuses a step of a request importing the data plane', async () => {
    const found = await problems('src/policy/probe.ts', "export { proxyRequest } from '../gateway/proxy.js';\n");
    expect(found.map((p) => p.message)).toEqual([expect.stringContaining('policy/ (auth, limits, budgets and cache rules) may not import gateway/')]);
  });

  it('keeps gateway/ and admin/ apart, both ways', async () => {
    const toAdmin = await problems('src/gateway/probe.ts', "export { keyView } from '../admin/keys.js';\n");
    const toGateway = await problems('src/admin/probe.ts', "export { proxyRequest } from '../gateway/proxy.js';\n");
    expect(toAdmin.map((p) => p.message)).toEqual([expect.stringContaining('gateway/ may not import admin/')]);
    expect(toGateway.map((p) => p.message)).toEqual([expect.stringContaining('admin/ may not import gateway/')]);
  });

  it('lets platform/ and cli/ import anything', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport { createAdminApp } from '../../admin/app.js';\nexport const read = readFileSync;\nexport const env = process.env;\n";
    expect(await problems('src/platform/node/probe.ts', code)).toEqual([]);
    expect(await problems('src/cli/commands/probe.ts', code)).toEqual([]);
  });

  it('still refuses Node built-ins in a layer (its own patterns replace no others)', async () => {
    const found = await problems('src/routing/probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    expect(found.map((p) => p.message)).toEqual([expect.stringContaining('Node built-ins belong in src/platform/node or src/cli')]);
  });
});

describe('Workers globals rule', () => {
  it('refuses Buffer and process in core code', async () => {
    const found = await problems(
      'src/policy/probe.ts',
      "export const bytes = Buffer.from('x', 'utf8');\nexport const key = process.env.SECRET;\n",
    );
    expect(found.map((p) => p.rule)).toEqual(['no-restricted-globals', 'no-restricted-globals']);
    expect(found[0].message).toContain('Buffer belongs in src/platform/* or src/cli');
    expect(found[1].message).toContain('process belongs in src/platform/* or src/cli');
  });

  it('refuses timers in core code, and leaves them to the platforms', async () => {
    const code = 'export const t = setTimeout(() => {}, 10);\nclearTimeout(t);\nexport const i = setInterval(() => {}, 10);\n';
    const found = await problems('src/routing/probe.ts', code);
    expect(found.map((p) => /Unexpected use of '(\w+)'/.exec(p.message)?.[1])).toEqual(['setTimeout', 'clearTimeout', 'setInterval']);
    expect(found[0].message).toContain("core code starts no timers; wait with the runtime's sleep");
    expect(await problems('src/platform/node/probe.ts', code)).toEqual([]);
  });

  it('refuses setImmediate, __dirname and require, and accepts the Web APIs that replace them', async () => {
    const banned = await problems('src/translate/probe.ts', 'setImmediate(() => {});\nexport const here = __dirname;\nexport const m = require("x");\n');
    expect(banned.map((p) => /Unexpected use of '(\w+)'/.exec(p.message)?.[1])).toEqual(['setImmediate', '__dirname', 'require']);
    const web = "export const bytes = new TextEncoder().encode('x');\nexport const text = btoa('x');\nexport const now = globalThis.crypto.randomUUID();\n";
    expect(await problems('src/translate/probe.ts', web)).toEqual([]);
  });
});

describe('Workers platform rule', () => {
  it('refuses Node built-ins, the Node platform and Node globals in src/platform/workers, but AsyncLocalStorage', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      "import { AsyncLocalStorage } from 'node:async_hooks';",
      "import { startNodeGateway } from '../node/gateway.js';",
      "import { Pool } from 'undici';",
      'export const all = [readFileSync, AsyncLocalStorage, startNodeGateway, Pool, process.env, setTimeout];',
    ].join('\n');
    const found = await problems('src/platform/workers/probe.ts', code);
    expect(found.map((p) => p.message)).toEqual([
      expect.stringContaining("'node:fs' import is restricted"),
      expect.stringContaining('may not import the Node platform'),
      expect.stringContaining('Node-only packages'),
      expect.stringContaining('process does not exist on Cloudflare Workers'),
    ]);
  });

  it('leaves the Node platform free to use Node', async () => {
    expect(await problems('src/platform/node/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = [readFileSync, process.env];\n")).toEqual([]);
  });
});
