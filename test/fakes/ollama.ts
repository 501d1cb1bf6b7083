// Fake Ollama server: the OpenAI-compatible endpoints under /v1 (chat
// completions in Ollama's own answer shape; Responses, embeddings as OpenAI's),
// the Anthropic-compatible /v1/messages, and the native model list /api/tags.
// `messages: false` / `responses: false` play an older server that lacks them
// (Gin's plain "404 page not found"); `apiKey` plays Ollama's cloud, which
// wants `Authorization: Bearer` on every endpoint.
// https://docs.ollama.com/api/openai-compatibility, https://docs.ollama.com/api/anthropic-compatibility,
// https://docs.ollama.com/api/tags
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { openSse } from './sse.js';
import { embeddings } from './openai.js';
import { responses } from './openai-responses.js';
import { messages } from './anthropic.js';
import { isRecord } from './text.js';

export const OLLAMA_FAKE_MODELS = ['llama3.2:latest', 'qwen3-coder:30b', 'nomic-embed-text:latest'] as const;
/** Every chat answer's text and usage (Ollama's usage has no details objects). */
export const OLLAMA_FAKE_REPLY = { text: 'Hello from Ollama.', usage: { prompt_tokens: 26, completion_tokens: 5, total_tokens: 31 } } as const;

function ollamaError(message: string): unknown {
  return { error: { message, type: 'api_error', param: null, code: null } };
}

function notFound(ctx: RequestContext): void {
  // An unknown route on Ollama's HTTP server (Gin): plain text.
  ctx.res.writeHead(404, { 'content-type': 'text/plain' });
  ctx.res.end('404 page not found');
}

async function chat(ctx: RequestContext): Promise<void> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body) || typeof body.model !== 'string' || !Array.isArray(body.messages)) return sendJson(ctx, 400, ollamaError('invalid request'));
  const model = body.model;
  if (!(OLLAMA_FAKE_MODELS as readonly string[]).includes(model)) {
    return sendJson(ctx, 404, ollamaError(`model "${model}" not found, try pulling it first`));
  }
  const id = `chatcmpl-${Math.floor(Math.random() * 1000)}`;
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) {
    return sendJson(ctx, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_ollama',
      choices: [{ index: 0, message: { role: 'assistant', content: OLLAMA_FAKE_REPLY.text }, finish_reason: 'stop' }],
      usage: OLLAMA_FAKE_REPLY.usage,
    });
  }
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choices: unknown[], usage?: unknown) =>
    JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_ollama', choices, ...(usage ? { usage } : {}) });
  const sse = await openSse(ctx, 0);
  for (const word of OLLAMA_FAKE_REPLY.text.split(/(?= )/)) {
    if (!(await sse.send(chunk([{ index: 0, delta: { role: 'assistant', content: word }, finish_reason: null }])))) return;
  }
  await sse.send(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }]));
  if (includeUsage) await sse.send(chunk([], OLLAMA_FAKE_REPLY.usage));
  await sse.send('[DONE]');
  sse.end();
}

export function startFakeOllama(opts: { apiKey?: string; messages?: boolean; responses?: boolean } = {}): Promise<FakeUpstream> {
  return startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: ollamaError(`status ${status}`) }),
    async handle(ctx) {
      if (opts.apiKey !== undefined && ctx.req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        return sendJson(ctx, 401, { error: 'unauthorized' });
      }
      const { pathname } = ctx.url;
      const post = ctx.call.method === 'POST';
      if (post && pathname === '/v1/chat/completions') return chat(ctx);
      if (post && pathname === '/v1/embeddings') return embeddings(ctx);
      if (post && pathname === '/v1/responses' && opts.responses !== false) return responses(ctx, 0);
      if (post && pathname === '/v1/messages' && opts.messages !== false) return messages(ctx, 0);
      if (ctx.call.method === 'GET' && pathname === '/api/tags') {
        return sendJson(ctx, 200, {
          models: OLLAMA_FAKE_MODELS.map((name) => ({
            name,
            model: name,
            modified_at: '2026-10-03T23:34:03.409490317-07:00',
            size: 3338801804,
            digest: 'a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a',
            details: { format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
          })),
        });
      }
      return notFound(ctx);
    },
  });
}
