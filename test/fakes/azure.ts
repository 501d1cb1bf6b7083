// Fake Azure OpenAI resource: chat completions, legacy completions and embeddings under
// /openai/deployments/{deployment}/…?api-version=…, Responses under the v1 API
// (/openai/v1/responses, deployment in `model`), and GET /openai/models.
// Answers come from the fake OpenAI handlers; auth is `api-key` (or an Entra bearer token).
// https://learn.microsoft.com/azure/ai-foundry/openai/reference
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { chatCompletions, completions, embeddings } from './openai.js';
import { responses } from './openai-responses.js';
import { media } from './openai-media.js';

function azureError(code: string, message: string): unknown {
  return { error: { code, message } };
}

export interface FakeAzureOptions {
  apiKey?: string;
  /** Deployments that exist; others answer 404 DeploymentNotFound. */
  deployments: string[];
  /** Base models the resource lists at GET /openai/models. */
  models?: string[];
  /** Deployments of completion models; the others refuse /completions (400 OperationNotSupported). Absent: all serve it. */
  completionDeployments?: string[];
}

export function startFakeAzure(opts: FakeAzureOptions): Promise<FakeUpstream> {
  const apiKey = opts.apiKey ?? 'azure-fake-key';
  return startFakeServer({
    headers: () => ({ 'apim-request-id': `apim-${Math.random().toString(16).slice(2)}`, 'x-ms-region': 'Sweden Central' }),
    errorFor: (status) => ({ body: azureError(status === 429 ? '429' : 'InternalServerError', `fake error ${status}`) }),
    async handle(ctx: RequestContext) {
      const auth = ctx.req.headers['api-key'] ?? (ctx.req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (auth !== apiKey)
        return sendJson(ctx, 401, azureError('401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'));
      const { pathname, searchParams } = ctx.url;
      if (ctx.call.method === 'POST' && pathname === '/openai/v1/responses') {
        const model = (ctx.call.body as { model?: string } | undefined)?.model ?? '';
        if (!opts.deployments.includes(model)) return sendJson(ctx, 404, azureError('DeploymentNotFound', `The API deployment ${model} for this resource does not exist.`));
        return responses(ctx, 0);
      }
      if (!searchParams.get('api-version')) return sendJson(ctx, 404, azureError('404', 'Resource not found'));
      if (ctx.call.method === 'GET' && pathname === '/openai/models') {
        return sendJson(ctx, 200, { object: 'list', data: (opts.models ?? []).map((id) => ({ id, object: 'model', status: 'succeeded', created_at: 1715367049 })) });
      }
      const match = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings|images\/generations|images\/edits|audio\/transcriptions|audio\/translations|audio\/speech)$/.exec(pathname);
      if (ctx.call.method !== 'POST' || !match) return sendJson(ctx, 404, azureError('404', 'Resource not found'));
      const deployment = decodeURIComponent(match[1] ?? '');
      if (!opts.deployments.includes(deployment))
        return sendJson(ctx, 404, azureError('DeploymentNotFound', `The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.`));
      // Images and audio answer as OpenAI's do.
      if (/^(images|audio)\//.test(match[2] ?? '')) return media(ctx, `/v1/${match[2]}`, 0);
      if (match[2] === 'completions') {
        if (opts.completionDeployments && !opts.completionDeployments.includes(deployment))
          return sendJson(ctx, 400, azureError('OperationNotSupported', `The completion operation does not work with the specified model, ${deployment}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`));
        return completions(ctx, 0);
      }
      // Azure answers with the model behind the deployment; the fake keeps the body's.
      return match[2] === 'embeddings' ? embeddings(ctx) : chatCompletions(ctx, 0);
    },
  });
}
