// The codecs against real agents' requests: each recorded request of
// test/fixtures/agents (test/agents/record-fixtures.ts) decodes through its own
// protocol's codec, and the result encodes for every other protocol without
// throwing. What each translation could not carry is listed as the test's
// annotations (and checked to be named, never blank).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../src/protocols/protocol.js';
import { codecFor } from '../../src/translate/registry.js';
import { TRANSLATION_TARGETS } from '../../src/protocols/operations.js';

interface AgentFixture {
  provenance: { agent: string; version: string; recorded: string; how: string; protocol: Protocol };
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
}

const DIR = join(import.meta.dirname, '../fixtures/agents');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as AgentFixture }));

/**
 * Fixtures whose decoding fails today, with the reason; they run as
 * `it.fails`, so the fix turns them into a failure to be removed from here.
 */
const KNOWN_FAILURES: Record<string, string> = {};

/** Gemini puts the model and streaming in the URL. */
function hintsOf(path: string): { model?: string; stream?: boolean } {
  const match = /\/models\/([^/:]+):(\w+)/.exec(path);
  return match ? { model: match[1], stream: match[2] === 'streamGenerateContent' } : {};
}

describe('recorded agent requests through the codecs', () => {
  it('has a fixture of every agent', () => {
    expect(new Set(FIXTURES.map((f) => f.fixture.provenance.agent))).toEqual(new Set(['claude-code', 'codex', 'gemini-cli', 'opencode']));
  });

  for (const { file, fixture } of FIXTURES) {
    const { protocol, agent, version } = fixture.provenance;
    const known = KNOWN_FAILURES[file];
    (known ? it.fails : it)(`${agent} ${version} (${protocol}) decodes and encodes for every other protocol${known ? ` (fails today: ${known})` : ''}`, async ({ annotate }) => {
      const ir = codecFor(protocol).decodeRequest(structuredClone(fixture.request.body), hintsOf(fixture.request.path));
      expect(ir.messages.length).toBeGreaterThan(0);
      expect(ir.tools.length).toBeGreaterThan(0);
      for (const target of TRANSLATION_TARGETS) {
        if (target === protocol) continue;
        const { body, warnings } = codecFor(target).encodeRequest(structuredClone(ir), 'upstream-model');
        expect(body).toBeTypeOf('object');
        for (const w of warnings) expect(w.trim()).not.toBe('');
        await annotate(`${protocol} -> ${target}: ${warnings.length === 0 ? 'no warnings' : warnings.join('; ')}`);
      }
    });
  }
});
