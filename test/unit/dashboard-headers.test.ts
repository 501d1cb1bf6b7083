import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_HEADERS } from '../../src/platform/node/static.js';

/**
 * The dashboard's page headers are written twice, once per platform: in
 * code for the Node static server, and in web/public/_headers for the
 * Workers assets binding, which serves the files without running the
 * Worker. The two must say the same.
 */
function headersFileRules(text: string): Map<string, Record<string, string>> {
  const rules = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      current = {};
      rules.set(line.trim(), current);
      continue;
    }
    const entry = line.trim();
    if (entry.startsWith('!')) continue; // `! Name` removes a header an earlier rule set
    const colon = entry.indexOf(':');
    current![entry.slice(0, colon).trim().toLowerCase()] = entry.slice(colon + 1).trim();
  }
  return rules;
}

describe('the dashboard headers for Workers (web/public/_headers)', () => {
  it('are the Node static server page headers, on every page', () => {
    const rules = headersFileRules(readFileSync(new URL('../../web/public/_headers', import.meta.url), 'utf8'));
    expect(rules.get('/*')).toEqual(PAGE_HEADERS);
  });

  it('let the hashed assets be cached for good, as the Node server does', () => {
    const rules = headersFileRules(readFileSync(new URL('../../web/public/_headers', import.meta.url), 'utf8'));
    expect(rules.get('/assets/*')).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
  });
});
