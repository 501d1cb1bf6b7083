/**
 * The one gateway config the Workers suite runs on, and the names the tests
 * use. Each test file has keys of its own, so files can share one running
 * Worker (started once per run: globalSetup in setup.ts) without seeing each
 * other's traffic, limits or log rows.
 */
export const ADMIN_KEY = 'sb-admin-workers-suite-000000000000';
export const SECRET = 'workers-suite-secret-0000000000000';

export const KEYS = {
  shapes: 'sk-sb-workers-shapes-00000000000000000000',
  usage: 'sk-sb-workers-usage-000000000000000000000',
  rpm: 'sk-sb-workers-rpm-00000000000000000000000',
  budget: 'sk-sb-workers-budget-00000000000000000000',
  cached: 'sk-sb-workers-cached-00000000000000000000',
  socket: 'sk-sb-workers-socket-00000000000000000000',
} as const;

/**
 * Keys for the real agent programs (agents.test.ts): one per run, so a run's
 * rows are `/logs?key=<name>` while other runs go on beside it.
 */
export const AGENT_KEYS = Array.from({ length: 16 }, (_, i) => ({ name: `agent-${i}`, key: `sk-sb-workers-agent-${String(i).padStart(2, '0')}-00000000000000000` }));

/** Upstream credentials the fakes accept. */
export const FAKE_KEYS = { openai: 'sk-fake-openai', anthropic: 'sk-ant-fake', gemini: 'fake-gemini-key' } as const;

export const RPM = 50;
/**
 * $1 per output token and nothing for input: the fake OpenAI's 7 output
 * tokens make a request cost $7, and a request asking for max_tokens 7
 * reserves exactly that; whole dollars keep the sums exact.
 */
export const BUDGET = { perRequestUsd: 7, requests: 40, maxTokens: 7 } as const;

export interface FakeUrls {
  openai: string;
  anthropic: string;
  gemini: string;
}

/**
 * Models: `gpt-pass` on the OpenAI fake (Chat and Responses), `claude-pass`
 * on the Anthropic fake, `gemini-pass` on the Gemini fake; a client of any
 * of the four shapes reaches any of them, passed through or translated.
 */
export function suiteConfig(fakes: FakeUrls): Record<string, unknown> & { adminKey: string } {
  return {
    adminKey: ADMIN_KEY,
    secret: SECRET,
    upstreams: [
      { id: 'oai', kind: 'openai', speaks: ['chat', 'responses'], baseUrl: `${fakes.openai}/v1`, credentials: [{ key: FAKE_KEYS.openai }] },
      { id: 'ant', kind: 'anthropic', baseUrl: fakes.anthropic, credentials: [{ key: FAKE_KEYS.anthropic }] },
      { id: 'gem', kind: 'gemini', baseUrl: fakes.gemini, credentials: [{ key: FAKE_KEYS.gemini }] },
    ],
    models: [
      { id: 'gpt-pass', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
      { id: 'claude-pass', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
      { id: 'gemini-pass', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
    ],
    prices: { 'gpt-upstream': { input: 0, output: 1_000_000, cacheRead: 0, cacheWrite: 0 } },
    keys: [
      { name: 'shapes', group: 'workers', key: KEYS.shapes },
      { name: 'usage', group: 'workers', key: KEYS.usage },
      { name: 'rpm', group: 'workers', key: KEYS.rpm, limits: { rpm: RPM } },
      { name: 'budget', group: 'workers', key: KEYS.budget, budget: { usd: BUDGET.perRequestUsd * BUDGET.requests, period: 'total' } },
      { name: 'cached', group: 'workers', key: KEYS.cached, cache: true },
      { name: 'socket', group: 'workers', key: KEYS.socket },
      ...AGENT_KEYS.map((k) => ({ ...k, group: 'agents' })),
    ],
  };
}
