import type { HttpClient } from '../http.js';
import { joinUrl, sendJson, type Provider, type UpstreamCall, type UpstreamReply } from '../provider.js';
import { openaiModelList } from '../openai.js';
import { discardBody, requestJson } from '../upstream-json.js';
import { COPILOT_API_HEADERS } from './constants.js';
import { CopilotTokens } from './token.js';

/**
 * GitHub Copilot through its chat API. The credential is a GitHub OAuth
 * token (from the device flow, providers/copilot/device-flow.ts); each call
 * uses a short-lived Copilot token exchanged for it (token.ts) and goes to
 * the API the exchange names, with the editor headers Copilot expects.
 * The Copilot API speaks OpenAI chat completions and lists models at `/models`.
 */
export function copilotProvider(http: HttpClient, now: () => number = Date.now): Provider {
  const tokens = new CopilotTokens(http, now);

  async function sendOnce(call: UpstreamCall, githubToken: string, signal: AbortSignal): Promise<UpstreamReply> {
    const copilot = await tokens.get(call.upstream, githubToken);
    const auth: Record<string, string> = { ...COPILOT_API_HEADERS, authorization: `Bearer ${copilot.token}` };
    // Copilot refuses image parts without this header (as the editors send it, vscode-copilot-chat's fetch.ts).
    if (call.body?.includes('"image_url"')) auth['copilot-vision-request'] = 'true';
    return sendJson(http, call, joinUrl(copilot.apiUrl, '/chat/completions'), auth, signal);
  }

  return {
    kind: 'copilot',
    speaks: ['openai-chat'],
    endpoints: ['chat'],
    async send(call, signal) {
      if (call.endpoint !== 'chat') throw new Error(`copilot upstreams do not serve ${call.endpoint}`);
      if (!call.credential) throw new Error('copilot upstreams need a GitHub token credential');
      const reply = await sendOnce(call, call.credential, signal);
      if (reply.status !== 401) return reply;
      // A Copilot token revoked before its time: exchange again, once.
      await discardBody(reply);
      tokens.forget(call.credential);
      return sendOnce(call, call.credential, signal);
    },
    async listModels(upstream, credential, signal) {
      if (!credential) throw new Error('copilot upstreams need a GitHub token credential');
      const copilot = await tokens.get(upstream, credential);
      const headers = { ...COPILOT_API_HEADERS, authorization: `Bearer ${copilot.token}` };
      return openaiModelList(await requestJson(http, upstream, { url: joinUrl(copilot.apiUrl, '/models'), headers }, signal));
    },
  };
}
