import { describe, expect, it } from 'vitest';
import { withIdentity } from '../../src/providers/claude-code/claude-code.js';
import { quotaOf } from '../../src/providers/claude-code/quota.js';
import { parseClaudeCodeCredential } from '../../src/providers/claude-code/credential.js';

const IDENTITY = { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." };
const systemOf = (body: unknown) => (JSON.parse(withIdentity(JSON.stringify(body))) as { system?: unknown }).system;

describe("claude-code: Claude Code's identity at the head of the system prompt", () => {
  it('is added before a string, before blocks, and alone when there is none', () => {
    expect(systemOf({ messages: [] })).toEqual([IDENTITY]);
    expect(systemOf({ system: '', messages: [] })).toEqual([IDENTITY]);
    expect(systemOf({ system: 'Be brief.', messages: [] })).toEqual([IDENTITY, { type: 'text', text: 'Be brief.' }]);
    const block = { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } };
    expect(systemOf({ system: [block], messages: [] })).toEqual([IDENTITY, block]);
  });

  it("is not added when Claude Code's own identity is there, in any block", () => {
    const own = [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332;' }, { type: 'text', text: "You are a Claude agent, built on Anthropic's Claude Agent SDK." }];
    expect(systemOf({ system: own, messages: [] })).toEqual(own);
    expect(systemOf({ system: "You are Claude Code, Anthropic's official CLI for Claude.\nMore.", messages: [] })).toBe("You are Claude Code, Anthropic's official CLI for Claude.\nMore.");
  });

  it('leaves a body that is not a JSON object to the API', () => {
    expect(withIdentity('not json')).toBe('not json');
    expect(withIdentity('[1]')).toBe('[1]');
  });
});

describe("claude-code: the subscription's usage limits from the unified headers", () => {
  it('reads the overall status and every window, known or not', () => {
    const headers = new Headers({
      'anthropic-ratelimit-unified-status': 'allowed_warning',
      'anthropic-ratelimit-unified-reset': '1800000000',
      'anthropic-ratelimit-unified-representative-claim': 'seven_day',
      'anthropic-ratelimit-unified-7d-utilization': '0.91',
      'anthropic-ratelimit-unified-7d-reset': '1800000000',
      'anthropic-ratelimit-unified-7d_opus-status': 'allowed',
      'anthropic-ratelimit-unified-overage-reset': '2026-12-31T00:00:00Z',
      'anthropic-ratelimit-unified-fallback-percentage': '0.5',
    });
    expect(quotaOf(headers, 5)).toEqual({
      status: 'allowed_warning',
      resetAt: 1_800_000_000_000,
      binding: 'seven_day',
      windows: [
        { name: '7d', status: null, utilization: 0.91, resetAt: 1_800_000_000_000 },
        { name: '7d_opus', status: 'allowed', utilization: null, resetAt: null },
        { name: 'overage', status: null, utilization: null, resetAt: Date.parse('2026-12-31T00:00:00Z') },
      ],
      observedAt: 5,
    });
  });

  it('is null for an answer without them (an API key, a plain error)', () => {
    expect(quotaOf(new Headers({ 'anthropic-ratelimit-requests-limit': '50' }), 0)).toBeNull();
  });
});

describe('claude-code: credentials', () => {
  it('takes a bare setup token, the JSON of a sign-in, or Claude Code’s own credentials file', () => {
    expect(parseClaudeCodeCredential(' sk-ant-oat01-abc\n')).toEqual({ access_token: 'sk-ant-oat01-abc' });
    expect(parseClaudeCodeCredential('{"access_token":"a","refresh_token":"r","expires_at":9}')).toEqual({ access_token: 'a', refresh_token: 'r', expires_at: 9 });
    expect(parseClaudeCodeCredential('{"claudeAiOauth":{"accessToken":"a","refreshToken":"r","expiresAt":9}}')).toEqual({ access_token: 'a', refresh_token: 'r', expires_at: 9 });
    expect(() => parseClaudeCodeCredential('{"refresh_token":"r"}')).toThrow('access_token is missing');
    expect(() => parseClaudeCodeCredential('two words')).toThrow('must be an access token');
  });
});
