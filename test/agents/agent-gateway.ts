// One gateway over every upstream kind's fake, for the real agents: each upstream
// serves one public model, and each test run gets its own key in its own group, so
// the request_log rows of one run are told apart while runs go on side by side.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import type { Protocol } from '../../src/protocols/protocol.js';
import type { LogRecord } from '../../src/store/types.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startFakeAzure } from '../fakes/azure.js';
import { startFakeCodex } from '../fakes/codex.js';
import { startFakeCopilot } from '../fakes/copilot.js';
import { startFakeGitHub } from '../fakes/github-auth.js';
import { FAKE_ACCOUNT_ID, startFakeOpenAIAuth } from '../fakes/openai-auth.js';
import { startFakeAnthropicAuth } from '../fakes/anthropic-auth.js';
import { tempDir } from '../helpers/gateway.js';
import { fakeUpstreams } from '../translate/matrix/matrix-gateway.js';
import { UPSTREAMS } from '../translate/matrix/upstreams.js';
import type { Usage } from '../../src/translate/ir.js';

/** Every upstream kind, as the agents' matrix names them. */
export const UPSTREAM_KINDS = ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'azure', 'copilot', 'codex', 'claude-code'] as const;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];

/** The public model id served by each upstream kind. */
export const modelFor = (kind: UpstreamKind): string => `agent-${kind}`;

export interface AgentRig {
  gw: NodeGateway;
  fakes: Record<UpstreamKind, FakeUpstream>;
  /** A new client key in its own group; its rows are `rowsOf(group)`. */
  newKey(): { key: string; group: string };
  rowsOf(group: string): Promise<LogRecord[]>;
  close(): Promise<void>;
}

/** Keys are part of the config, so the rig makes a pool of them up front and hands them out. */
const KEY_POOL = 64;

export async function startAgentRig(): Promise<AgentRig> {
  const [openai, anthropic, gemini, azure, auth] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
    startFakeAzure({ deployments: ['prod-gpt4o'] }),
    startFakeOpenAIAuth(),
  ]);
  // The Copilot fake checks tokens the GitHub fake issues, and the GitHub fake points at the Copilot fake.
  let isLiveCopilotToken: (token: string) => boolean = () => false;
  const copilot = await startFakeCopilot({ isLiveToken: (t) => isLiveCopilotToken(t) });
  const github = await startFakeGitHub({ copilotApiUrl: copilot.url });
  isLiveCopilotToken = (t) => github.isLiveCopilotToken(t);
  const codex = await startFakeCodex({ accountId: FAKE_ACCOUNT_ID, isLiveToken: (t) => auth.isLiveAccessToken(t) });
  const codexTokens = JSON.stringify({ ...auth.mint(24 * 3600), account_id: FAKE_ACCOUNT_ID });
  // A Claude subscription: the fake Anthropic API in its subscription mode, checking the Claude sign-in fake's tokens.
  const claudeAuth = await startFakeAnthropicAuth();
  const claude = await startFakeAnthropic({ subscription: { isLiveToken: (t) => claudeAuth.isLiveAccessToken(t) } });
  const claudeTokens = claudeAuth.mint(24 * 3600);
  const claudeSecret = JSON.stringify({ ...claudeTokens, expires_at: Date.now() + claudeTokens.expires_in * 1000 });

  const keys = Array.from({ length: KEY_POOL }, (_, i) => ({ name: `agent-${i}`, group: `agent-${i}`, key: `sk-sb-agent-${randomBytes(16).toString('hex')}` }));
  const route = (upstream: string, model: string) => [{ upstream, model }];
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-agents-0000000000000',
    secret: 'agents-secret-0000000000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
    upstreams: [
      ...fakeUpstreams(openai, anthropic, gemini),
      { id: 'up-azure', kind: 'azure', baseUrl: azure.url, apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o' }, credentials: [{ key: 'azure-fake-key' }] },
      { id: 'up-copilot', kind: 'copilot', baseUrl: copilot.url, auth: { githubUrl: github.url, githubApiUrl: github.url }, credentials: [{ key: github.githubToken }] },
      { id: 'up-codex', kind: 'codex', baseUrl: codex.url, authUrl: auth.url, credentials: [{ key: codexTokens }] },
      { id: 'up-claude-code', kind: 'claude-code', baseUrl: claude.url, oauth: { tokenUrl: `${claudeAuth.url}/v1/oauth/token` }, credentials: [{ key: claudeSecret }] },
    ],
    models: [
      { id: modelFor('openai-chat'), routes: route('up-chat', 'gpt-4o') },
      { id: modelFor('openai-responses'), routes: route('up-responses', 'gpt-4o') },
      { id: modelFor('anthropic'), routes: route('up-anthropic', 'claude-sonnet-4-20250514') },
      { id: modelFor('gemini'), routes: route('up-gemini', 'gemini-2.5-flash') },
      { id: modelFor('azure'), routes: route('up-azure', 'gpt-4o') },
      { id: modelFor('copilot'), routes: route('up-copilot', 'gpt-4o') },
      { id: modelFor('codex'), routes: route('up-codex', 'gpt-5-codex') },
      { id: modelFor('claude-code'), routes: route('up-claude-code', 'claude-sonnet-4-20250514') },
    ],
    keys,
    health: { probeIntervalMs: 0 },
  });
  const gw = await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 20 });
  let handedOut = 0;

  return {
    gw,
    fakes: { 'openai-chat': openai, 'openai-responses': openai, anthropic, gemini, azure, copilot, codex, 'claude-code': claude },
    newKey() {
      const k = keys[handedOut++];
      if (!k) throw new Error(`the agent rig has only ${KEY_POOL} keys`);
      return { key: k.key, group: k.group };
    },
    async rowsOf(group) {
      await gw.ctx.recorder.flush();
      return (await gw.ctx.store.logs.query({ group, limit: 100, offset: 0 })).data.reverse();
    },
    async close() {
      await gw.close();
      await Promise.all([openai, anthropic, gemini, azure, auth, copilot, github, codex, claudeAuth, claude].map((f) => f.close()));
    },
  };
}

/** The upstream's own usage figures, in the log's meaning, for a row that reached an upstream speaking `protocol`. */
export function expectedUsage(protocol: Protocol): Usage {
  const shape = UPSTREAMS.find((u) => u.protocol === protocol);
  if (!shape) throw new Error(`no fake usage known for ${protocol}`);
  return shape.usage('text');
}

/** A row's usage figures, in the shape expectedUsage gives. */
export const usageOf = (r: LogRecord): Usage => ({
  inputTokens: r.inputTokens,
  cacheReadTokens: r.cacheReadTokens,
  cacheWriteTokens: r.cacheWriteTokens,
  outputTokens: r.outputTokens,
  reasoningTokens: r.reasoningTokens,
});

/** The protocol the upstream spoke for a row: the translation's target, else the client's own. */
export function upstreamProtocolOf(row: LogRecord): Protocol {
  return (row.translation ? row.translation.split('->').at(-1)!.trim() : row.protocol) as Protocol;
}
