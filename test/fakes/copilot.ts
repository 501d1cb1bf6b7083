// Fake Copilot API: OpenAI chat completions at /chat/completions and GET /models,
// for requests carrying a live Copilot token and the editor headers Copilot expects.
import type { FakeUpstream } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { chatCompletions, openaiError } from './openai.js';

export const COPILOT_FAKE_MODELS = ['gpt-4o', 'claude-sonnet-4', 'gpt-5-mini'] as const;

export function startFakeCopilot(opts: { isLiveToken: (token: string) => boolean }): Promise<FakeUpstream> {
  return startFakeServer({
    headers: () => ({ 'x-github-request-id': 'fake-copilot' }),
    errorFor: (status) => ({ body: openaiError(`fake error ${status}`, 'server_error', null, null) }),
    async handle(ctx) {
      const token = (ctx.req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!opts.isLiveToken(token)) return sendJson(ctx, 401, openaiError('unauthorized: token expired', 'invalid_request_error', null, 'unauthorized'));
      for (const header of ['editor-version', 'editor-plugin-version', 'copilot-integration-id'])
        if (!ctx.req.headers[header]) return sendJson(ctx, 400, openaiError(`missing ${header} header`, 'invalid_request_error', null, 'bad_request'));
      if (ctx.call.method === 'POST' && ctx.url.pathname === '/chat/completions') return chatCompletions(ctx, 0);
      if (ctx.call.method === 'GET' && ctx.url.pathname === '/models')
        return sendJson(ctx, 200, { object: 'list', data: COPILOT_FAKE_MODELS.map((id) => ({ id, object: 'model', vendor: 'fake', name: id })) });
      return sendJson(ctx, 404, openaiError('not found', 'invalid_request_error', null, null));
    },
  });
}
