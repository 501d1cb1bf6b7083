// One gateway over the fake OpenAI, Anthropic and Gemini servers, with a public
// model per (upstream, model generation) pair the reasoning and structured-output
// tests need: reasoning settings depend on which model the route names.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../../src/platform/node/gateway.js';
import type { LogRecord } from '../../../src/store/types.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../../fakes/index.js';
import { eventually, tempDir, TEST_KEY } from '../../helpers/gateway.js';
import { fakeUpstreams } from '../matrix/matrix-gateway.js';

const ADMIN_KEY = 'sb-admin-reasoning-00000000000';

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
  // The fake Anthropic server refuses native structured output for this model (REFUSES_STRUCTURED_OUTPUT).
  'claude-refuses': ['up-anthropic', 'claude-3-5-haiku-no-structured-output'],
  'claude-refuses-too': ['up-anthropic', 'claude-3-7-sonnet-no-structured-output'],
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
  /** Every generate call the upstream behind `model` received since the last reset. */
  calls(model: PublicModel): FakeCall[];
  /** A call to the admin API. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** The newest log row, once one came since the last call (waits for the recorder). */
  nextRow(): Promise<LogRecord>;
  reset(): void;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: ADMIN_KEY,
    secret: 'reasoning-secret-0000000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
    upstreams: [
      ...fakeUpstreams(openai, anthropic, gemini),
    ],
    models: Object.entries(ROUTES).map(([id, [upstream, model]]) => ({ id, routes: [{ upstream, model }] })),
    keys: [{ name: 'reasoning', group: 'reasoning', key: TEST_KEY }],
  });
  const gw = await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 20 });
  const fakeOf = (model: PublicModel): FakeUpstream => {
    const upstream = ROUTES[model][0];
    return upstream === 'up-anthropic' ? anthropic : upstream === 'up-gemini' ? gemini : openai;
  };
  // Generate calls for the route's own upstream model (Gemini names it in the path, the others in the body).
  const generateCalls = (model: PublicModel): FakeCall[] => {
    const [upstream, upstreamModel] = ROUTES[model];
    const path = { 'up-chat': '/chat/completions', 'up-responses': '/responses', 'up-anthropic': '/messages', 'up-gemini': `/models/${upstreamModel}:` }[upstream];
    return fakeOf(model).calls.filter(
      (c) => c.method === 'POST' && c.path.includes(path) && !/count_?tokens/i.test(c.path) && (upstream === 'up-gemini' || c.body?.model === upstreamModel),
    );
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
    calls: (model) => generateCalls(model),
    admin: (method, path, body) =>
      fetch(`${gw.url}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    lastCall(model) {
      const call = generateCalls(model).at(-1);
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

/** One rig for a test file: started before its tests, reset before each, closed after; the getter reads it. */
export function useRig(): () => Rig {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
  });
  beforeEach(() => rig?.reset());
  return () => {
    if (!rig) throw new Error('the rig is not started yet');
    return rig;
  };
}
