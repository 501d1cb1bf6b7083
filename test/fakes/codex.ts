// Fake Codex backend (chatgpt.com/backend-api/codex): POST /responses, streamed
// and unstored only, answered by the fake Responses handler; GET /models.
// Requests must carry a live access token, the account id and the Codex headers.
import type { FakeUpstream } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { responses } from './openai-responses.js';

export const CODEX_FAKE_MODELS = ['gpt-5-codex', 'gpt-5', 'codex-hidden'] as const;

export function startFakeCodex(opts: { accountId: string; isLiveToken: (token: string) => boolean }): Promise<FakeUpstream> {
  return startFakeServer({
    headers: () => ({ 'x-request-id': `req_codex_${Math.random().toString(16).slice(2)}` }),
    errorFor: (status) => ({ body: { detail: `fake error ${status}` } }),
    async handle(ctx) {
      const token = (ctx.req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!opts.isLiveToken(token)) return sendJson(ctx, 401, { detail: 'Could not validate your credentials' });
      if (ctx.req.headers['chatgpt-account-id'] !== opts.accountId) return sendJson(ctx, 403, { detail: 'account mismatch' });
      if (ctx.req.headers.originator !== 'codex_cli_rs' || ctx.req.headers['openai-beta'] !== 'responses=experimental')
        return sendJson(ctx, 400, { detail: 'missing Codex client headers' });
      if (ctx.call.method === 'GET' && ctx.url.pathname === '/models') {
        if (!ctx.url.searchParams.get('client_version')) return sendJson(ctx, 400, { detail: 'client_version is required' });
        return sendJson(ctx, 200, {
          models: CODEX_FAKE_MODELS.map((slug) => ({ slug, display_name: slug, visibility: slug === 'codex-hidden' ? 'hide' : 'list' })),
        });
      }
      if (ctx.call.method === 'POST' && ctx.url.pathname === '/responses') {
        const body = ctx.call.body as ({ stream?: unknown; store?: unknown; instructions?: unknown } & Record<string, unknown>) | undefined;
        if (body?.stream !== true) return sendJson(ctx, 400, { detail: 'Stream must be set to true' });
        if (body.store !== false) return sendJson(ctx, 400, { detail: 'Store must be set to false' });
        if (typeof body.instructions !== 'string') return sendJson(ctx, 400, { detail: 'Instructions are required' });
        // The backend refuses the sampling and length parameters the public API takes.
        for (const field of ['max_output_tokens', 'temperature', 'top_p'])
          if (field in body) return sendJson(ctx, 400, { detail: `Unsupported parameter: ${field}` });
        return responses(ctx, 0, { unstored: true });
      }
      return sendJson(ctx, 404, { detail: 'Not Found' });
    },
  });
}
