// One gateway over the fake OpenAI, Anthropic and Gemini servers, with a public
// model per (upstream, model generation) pair the reasoning and structured-output
// tests need: reasoning settings depend on which model the route names.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../../src/platform/node/gateway.js';
import type { LogRecord } from '../../../src/store/types.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../../fakes/index.js';
import { eventually, tempDir, TEST_KEY } from '../../helpers/gateway.js';

/** Public model -> [upstream id, upstream model]. */
export const ROUTES = {
  'chat-o4': ['up-chat', 'o4-mini'],
  'chat-4o': ['up-chat', 'gpt-4o'],
  // Compatible servers' reasoning fields (test/fakes/openai-chat-scenarios.ts): DeepSeek, OpenRouter, reasoning_details only.
  deepseek: ['up-chat', 'fake-deepseek-reasoner'],
  openrouter: ['up-chat', 'fake-openrouter-r1'],
  details: ['up-chat', 'fake-details-r1'],
  'resp-o4': ['up-responses', 'o4-mini'],
  'claude-new': ['up-anthropic', 'claude-opus-4-6'],
  'claude-old': ['up-anthropic', 'claude-sonnet-4-5-20250929'],
  'gemini-25': ['up-gemini', 'gemini-2.5-flash'],
  'gemini-3': ['up-gemini', 'gemini-3-pro-preview'],
} as const;
export type PublicModel = keyof typeof ROUTES;

export interface Rig {
  gw: NodeGateway;
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  gemini: FakeUpstream;
  chat: OpenAI;
  anthropicClient: Anthropic;
  geminiClient: GoogleGenAI;
  /** The last generate call the upstream behind `model` received. */
  lastCall(model: PublicModel): FakeCall;
  /** The newest log row, once one came since the last call (waits for the recorder). */
  nextRow(): Promise<LogRecord>;
  reset(): void;
  close(): Promise<void>;
}

export async function startRig(options: { anthropicSettings?: Record<string, unknown> } = {}): Promise<Rig> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-reasoning-00000000000',
    secret: 'reasoning-secret-0000000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
    upstreams: [
      { id: 'up-chat', kind: 'openai', speaks: ['chat'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
      { id: 'up-responses', kind: 'openai', speaks: ['responses'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
      { id: 'up-anthropic', kind: 'anthropic', baseUrl: anthropic.url, credentials: [{ key: 'sk-ant-fake' }], ...options.anthropicSettings },
      { id: 'up-gemini', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
    ],
    models: Object.entries(ROUTES).map(([id, [upstream, model]]) => ({ id, routes: [{ upstream, model }] })),
    keys: [{ name: 'reasoning', group: 'reasoning', key: TEST_KEY }],
  });
  const gw = await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 20 });
  const fakeOf = (model: PublicModel): FakeUpstream => {
    const upstream = ROUTES[model][0];
    return upstream === 'up-anthropic' ? anthropic : upstream === 'up-gemini' ? gemini : openai;
  };
  const seen = new Set<string>();
  return {
    gw,
    openai,
    anthropic,
    gemini,
    chat: new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 }),
    anthropicClient: new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 }),
    geminiClient: new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } }),
    lastCall(model) {
      const generate = fakeOf(model).calls.filter((c) => c.method === 'POST' && !c.path.includes('count_tokens'));
      const call = generate.at(-1);
      if (!call) throw new Error(`no call reached the upstream of ${model}`);
      return call;
    },
    nextRow() {
      return eventually(async () => {
        await gw.ctx.recorder.flush();
        const rows = (await gw.ctx.store.logs.query({ limit: 20, offset: 0 })).data.filter((r) => !seen.has(r.id));
        if (rows.length === 0) throw new Error('no new log row yet');
        for (const row of rows) seen.add(row.id);
        return rows[0]!;
      });
    },
    reset() {
      openai.reset();
      anthropic.reset();
      gemini.reset();
    },
    async close() {
      await gw.close();
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}
