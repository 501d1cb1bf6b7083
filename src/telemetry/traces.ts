import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { UpstreamKind } from '../config/schema.js';
import type { Attempt, LogRecord } from '../store/types.js';
import type { RequestObserver } from './observer.js';
import type { TryFailure } from './try-failure.js';

/** What a span says about an upstream besides its id: its kind and where it is. */
export interface UpstreamFacts {
  kind: UpstreamKind;
  baseUrl: string | null;
}

/**
 * OpenTelemetry spans of every request: one `SERVER` span for the request
 * (from its start to its finished row) and, under it, one `CLIENT` span per
 * upstream try, named and attributed after the GenAI semantic conventions
 * (`gen_ai.*`), with Switchboard's own facts under `switchboard.*`.
 *
 * A client's W3C `traceparent` makes the request span a child of the
 * client's span; each try carries its own span's `traceparent` to the
 * upstream (replacing the client's), so an upstream that traces joins in.
 * The tracer decides sampling and where spans go (the platform builds it);
 * this only opens and closes spans at the times the exchange reports.
 */
export function traceObserver(tracer: Tracer, upstreams: (id: string) => UpstreamFacts | undefined): RequestObserver {
  return {
    start(row, headers) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
      const operation = operationName(row.endpoint);
      const request = tracer.startSpan(operation, { kind: SpanKind.SERVER, startTime: row.ts, attributes: { 'gen_ai.operation.name': operation, 'switchboard.request.id': row.id } }, parent);
      const inRequest = trace.setSpan(parent, request);
      let tries = 0;
      /** The try sent and not yet ended (tries run one after another). */
      let open: Span | null = null;

      const startTry = (startedAt: number): Span =>
        tracer.startSpan(`${operation} ${row.upstreamModel ?? ''}`.trim(), { kind: SpanKind.CLIENT, startTime: startedAt, attributes: tryAttributes(row, operation, upstreams, ++tries) }, inRequest);

      return {
        tryStarting(startedAt) {
          open?.end(startedAt);
          open = startTry(startedAt);
          const carrier: Record<string, string> = {};
          propagator.inject(trace.setSpan(ROOT_CONTEXT, open), carrier, headerSetter);
          return carrier;
        },
        attempt(attempt, startedAt, failure) {
          const span = open ?? startTry(startedAt);
          open = null;
          endTry(span, attempt, startedAt, failure);
        },
        firstByte(at) {
          request.addEvent('first byte', at);
        },
        finish(done) {
          const end = done.ts + done.latencyMs;
          if (open) {
            // A try the request ended without (the client left, or a fault before it was judged).
            open.setStatus({ code: SpanStatusCode.ERROR, message: 'the request ended before this try did' });
            open.end(end);
            open = null;
          }
          if (done.model) request.updateName(`${operation} ${done.model}`);
          request.setAttributes(requestAttributes(done, upstreams, tries));
          if (done.outcome !== 'ok') request.setStatus({ code: SpanStatusCode.ERROR, message: done.error ?? done.outcome });
          request.end(end);
        },
      };
    },
  };
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
  keys: (headers: Headers) => [...headers.keys()],
};
const headerSetter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };

/** `gen_ai.operation.name` by the client's endpoint: the convention's names where one fits, else the endpoint's own. */
function operationName(endpoint: string): string {
  switch (endpoint) {
    case 'chat':
    case 'responses':
    case 'messages':
      return 'chat';
    case 'generate':
      return 'generate_content';
    case 'embeddings':
      return 'embeddings';
    case 'completions':
      return 'text_completion';
    default:
      return endpoint; // count_tokens, compact
  }
}

/** `gen_ai.provider.name` by upstream kind: the convention's well-known values, and Switchboard's names for the others. */
const PROVIDER_NAMES: Record<UpstreamKind, string> = {
  openai: 'openai',
  codex: 'openai',
  anthropic: 'anthropic',
  'claude-code': 'anthropic',
  gemini: 'gcp.gemini',
  azure: 'azure.ai.openai',
  copilot: 'github_copilot',
  ollama: 'ollama',
  mock: 'switchboard.mock',
  cohere: 'cohere',
  jina: 'jina',
  voyage: 'voyage',
};

function upstreamAttributes(upstreamId: string | null, upstreams: (id: string) => UpstreamFacts | undefined): Attributes {
  const facts = upstreamId ? upstreams(upstreamId) : undefined;
  if (!facts) return {};
  return { 'gen_ai.provider.name': PROVIDER_NAMES[facts.kind] };
}

/** A try's attributes as it starts: the row names the route and credential it is sent on. */
function tryAttributes(row: Readonly<LogRecord>, operation: string, upstreams: (id: string) => UpstreamFacts | undefined, number: number): Attributes {
  const facts = row.upstreamId ? upstreams(row.upstreamId) : undefined;
  return compact({
    'gen_ai.operation.name': operation,
    ...upstreamAttributes(row.upstreamId, upstreams),
    'gen_ai.request.model': row.upstreamModel,
    ...serverOf(facts?.baseUrl ?? null),
    'switchboard.upstream.id': row.upstreamId,
    'switchboard.credential.id': row.credentialId,
    'switchboard.translation': row.translation,
    'switchboard.attempt': number,
  });
}

function endTry(span: Span, attempt: Readonly<Attempt>, startedAt: number, failure: TryFailure | undefined): void {
  const failed = attempt.error !== null || (attempt.status !== null && attempt.status >= 400);
  span.setAttributes(
    compact({
      'http.response.status_code': attempt.status,
      // As HTTP clients do: the status when there was one, else what went wrong (timeout, connect, broken).
      'error.type': failed ? (attempt.status !== null && attempt.status >= 400 ? String(attempt.status) : (failure ?? 'no_response')) : null,
      'switchboard.failure': failure,
    }),
  );
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error ?? `answered ${attempt.status}` });
  span.end(startedAt + attempt.ms);
}

/** The request span's attributes from its finished row. */
function requestAttributes(row: Readonly<LogRecord>, upstreams: (id: string) => UpstreamFacts | undefined, tries: number): Attributes {
  const failed = row.outcome !== 'ok' || row.status >= 400;
  return compact({
    ...upstreamAttributes(row.upstreamId, upstreams),
    'gen_ai.request.model': row.model,
    // The upstream model the serving route asked for (the answer's own model name is not kept).
    'gen_ai.response.model': row.upstreamModel,
    // The convention counts every input token, cached ones included; the row keeps them apart.
    'gen_ai.usage.input_tokens': row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens,
    'gen_ai.usage.output_tokens': row.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': row.cacheReadTokens || null,
    'gen_ai.usage.cache_creation.input_tokens': row.cacheWriteTokens || null,
    'http.response.status_code': row.status,
    'error.type': failed ? (row.status >= 400 ? String(row.status) : row.outcome) : null,
    'switchboard.key.id': row.keyId,
    'switchboard.group': row.group,
    'switchboard.protocol': row.protocol,
    'switchboard.stream': row.stream,
    'switchboard.upstream.id': row.upstreamId,
    'switchboard.credential.id': row.credentialId,
    'switchboard.translation': row.translation,
    'switchboard.cache.status': row.cacheStatus,
    'switchboard.outcome': row.outcome,
    'switchboard.attempts': tries,
    'switchboard.cost_usd': row.costUsd,
    'switchboard.usage.estimated': row.usageEstimated || null,
  });
}

/** `server.address` and `server.port` of an upstream's base URL (the kind's default URL when none is set is not known here). */
function serverOf(baseUrl: string | null): Attributes {
  if (!baseUrl) return {};
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { 'server.address': url.hostname.replace(/^\[|\]$/g, ''), 'server.port': port };
  } catch {
    return {};
  }
}

/** Attributes without the absent ones (OpenTelemetry drops nulls anyway, with a warning). */
function compact(attributes: Record<string, string | number | boolean | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) out[name] = value;
  return out;
}
