// The client shapes of the fault matrix, each driven through its official SDK (no retries of its
// own), with what the client got reduced to one neutral result: an answer, or an error with the
// status the SDK saw and whether its body was in the client's own protocol shape.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { TEST_KEY } from '../helpers/gateway.js';

export type ClientName = 'chat' | 'responses' | 'anthropic' | 'gemini' | 'completions';
export const CLIENTS: ClientName[] = ['chat', 'responses', 'anthropic', 'gemini', 'completions'];

export type ClientResult =
  | { kind: 'answer'; text: string }
  | {
      kind: 'error';
      /** The HTTP status, or undefined for an error that came inside a stream already answered 200. */
      status: number | undefined;
      /** The error reached the SDK in its own protocol's shape (it parsed a type / status out of it). */
      ownShape: boolean;
      retryAfter: string | null;
      message: string;
    };

export interface Clients {
  send(client: ClientName, model: string, stream: boolean, text: string): Promise<ClientResult>;
}

export function clientsFor(gatewayUrl: string): Clients {
  const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gatewayUrl}/v1`, maxRetries: 0, timeout: 20_000 });
  const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gatewayUrl, maxRetries: 0, timeout: 20_000 });
  const gemini = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gatewayUrl, timeout: 20_000 } });

  const run = async (client: ClientName, model: string, stream: boolean, text: string): Promise<string> => {
    switch (client) {
      case 'chat': {
        const messages = [{ role: 'user' as const, content: text }];
        if (!stream) return (await openai.chat.completions.create({ model, messages })).choices[0]?.message.content ?? '';
        let out = '';
        for await (const chunk of await openai.chat.completions.create({ model, messages, stream: true })) out += chunk.choices[0]?.delta.content ?? '';
        return out;
      }
      case 'responses': {
        if (!stream) return (await openai.responses.create({ model, input: text })).output_text;
        let out = '';
        let completed = false;
        for await (const event of await openai.responses.create({ model, input: text, stream: true })) {
          if (event.type === 'response.output_text.delta') out += event.delta;
          if (event.type === 'response.completed') completed = true;
        }
        // An application waits for `response.completed`; a stream that ends without it is not an answer.
        if (!completed) throw new Error('the Responses stream ended without response.completed');
        return out;
      }
      case 'anthropic': {
        const params = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: text }] };
        const message = stream ? await anthropic.messages.stream(params).finalMessage() : await anthropic.messages.create(params);
        return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      }
      case 'completions': {
        if (!stream) return (await openai.completions.create({ model, prompt: text })).choices[0]?.text ?? '';
        let out = '';
        for await (const chunk of await openai.completions.create({ model, prompt: text, stream: true })) out += chunk.choices[0]?.text ?? '';
        return out;
      }
      case 'gemini': {
        if (!stream) return (await gemini.models.generateContent({ model, contents: text })).text ?? '';
        let out = '';
        for await (const chunk of await gemini.models.generateContentStream({ model, contents: text })) out += chunk.text ?? '';
        return out;
      }
    }
  };

  return {
    async send(client, model, stream, text) {
      try {
        return { kind: 'answer', text: await run(client, model, stream, text) };
      } catch (err) {
        return errorResult(client, err);
      }
    },
  };
}

function errorResult(client: ClientName, err: unknown): ClientResult {
  const message = (err as Error)?.message ?? String(err);
  if ((client === 'chat' || client === 'responses' || client === 'completions') && err instanceof OpenAI.APIError) {
    // OpenAI's shape: {"error": {"message", "type", ...}}; the SDK keeps the inner object (or a stream event's own fields).
    // A stream's error event has no status; that the SDK raised an APIError from it means the event parsed as one.
    const body = err.error as { message?: unknown; type?: unknown } | undefined;
    return { kind: 'error', status: err.status, ownShape: typeof body?.message === 'string' || err.status === undefined, retryAfter: err.headers?.get('retry-after') ?? null, message };
  }
  if (client === 'anthropic' && err instanceof Anthropic.APIError) {
    // Anthropic's shape: {"type": "error", "error": {"type", "message"}}.
    const body = err.error as { type?: unknown; error?: { type?: unknown } } | undefined;
    return { kind: 'error', status: err.status, ownShape: body?.type === 'error' && typeof body.error?.type === 'string', retryAfter: err.headers?.get('retry-after') ?? null, message };
  }
  if (client === 'gemini' && err instanceof ApiError) {
    // Google's shape: {"error": {"code", "message", "status"}}; the SDK puts the body's JSON in its message.
    return { kind: 'error', status: err.status, ownShape: /"error"\s*:\s*\{/.test(err.message) && /"status"\s*:\s*"[A-Z_]+"/.test(err.message), retryAfter: null, message };
  }
  // Anything else (a parse error, a stream cut without an error event): the SDK failed, not in the protocol's terms.
  return { kind: 'error', status: undefined, ownShape: false, retryAfter: null, message };
}
