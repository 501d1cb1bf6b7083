// The faults of the matrix: how each is injected into a fake upstream (test/fakes: `failNext`), and
// what the client and the request log must show for it.
import type { Fault } from '../fakes/index.js';

export type Vendor = 'openai' | 'anthropic' | 'gemini';

/** The gateway's timeouts for every upstream of the matrix: short, so that the whole suite stays quick. */
export const TIMEOUTS = { connectMs: 1000, firstByteMs: 400, idleMs: 400 };

export interface Expected {
  /** What the client gets: the answer, an HTTP error with this status, or an error inside a stream already answered 200. */
  client: { answer: true } | { status: number; retryAfter?: boolean } | { midStream: true };
  /** The request's one log row. */
  row: { status: number; outcome: 'ok' | 'upstream_error' | 'error' | 'incomplete'; error?: RegExp; tokens?: boolean };
}

export interface FaultCase {
  name: string;
  /** Only for streamed requests, or only for whole answers. */
  only?: 'stream' | 'whole';
  /** The fault for an upstream of this vendor; undefined when the vendor has no such answer. */
  inject(vendor: Vendor, stream: boolean): Fault | undefined;
  expect(stream: boolean, route: { client: string; translated: boolean }): Expected;
}

/** The vendors' own answers for an account out of money. */
const QUOTA: Partial<Record<Vendor, Fault>> = {
  // https://platform.openai.com/docs/guides/error-codes: 429 "You exceeded your current quota".
  openai: {
    kind: 'status',
    status: 429,
    body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
  },
  // https://docs.anthropic.com/en/api/errors: the credit balance comes as a 400 invalid_request_error.
  anthropic: {
    kind: 'status',
    status: 400,
    body: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' } },
  },
};

const refused: Expected = { client: { status: 502 }, row: { status: 502, outcome: 'error', error: /no upstream credential was accepted/ } };
const timedOut: Expected = { client: { status: 504 }, row: { status: 504, outcome: 'error', error: /time|idle/i } };
const brokeMidStream = (error: RegExp): Expected => ({ client: { midStream: true }, row: { status: 502, outcome: 'incomplete', error } });

export const FAULTS: FaultCase[] = [
  {
    name: '429 with Retry-After',
    inject: () => ({ kind: 'status', status: 429, headers: { 'retry-after': '7' } }),
    expect: () => ({ client: { status: 429, retryAfter: true }, row: { status: 429, outcome: 'upstream_error' } }),
  },
  {
    name: '500',
    inject: () => ({ kind: 'status', status: 500 }),
    expect: () => ({ client: { status: 500 }, row: { status: 500, outcome: 'upstream_error' } }),
  },
  {
    name: '503',
    inject: () => ({ kind: 'status', status: 503 }),
    // Translated to Anthropic's shape, an upstream that is unavailable is Anthropic's 529 overloaded_error.
    expect: (_stream, route) => ({
      client: { status: route.client === 'anthropic' && route.translated ? 529 : 503 },
      row: { status: 503, outcome: 'upstream_error' },
    }),
  },
  {
    name: 'connection reset before headers',
    inject: () => ({ kind: 'reset-before-headers' }),
    expect: () => ({ client: { status: 502 }, row: { status: 502, outcome: 'error' } }),
  },
  {
    name: 'reset mid-stream',
    inject: () => ({ kind: 'cut-mid-stream', afterEvents: 2 }),
    // A whole answer cut halfway through its body is a failure before anything reached the client.
    expect: (stream) => (stream ? brokeMidStream(/upstream stream broke/) : { client: { status: 502 }, row: { status: 502, outcome: 'error' } }),
  },
  {
    name: 'slow first byte beyond the timeout',
    inject: () => ({ kind: 'slow-first-byte', ms: TIMEOUTS.firstByteMs * 3 }),
    expect: () => timedOut,
  },
  {
    name: 'slow first byte within the timeout',
    inject: () => ({ kind: 'slow-first-byte', ms: TIMEOUTS.firstByteMs / 4 }),
    expect: () => ({ client: { answer: true }, row: { status: 200, outcome: 'ok', tokens: true } }),
  },
  {
    name: 'a hang (no bytes at all)',
    inject: () => ({ kind: 'hang' }),
    expect: () => timedOut,
  },
  {
    name: 'idle mid-stream',
    inject: () => ({ kind: 'stall-mid-stream', afterEvents: 2, ms: TIMEOUTS.idleMs * 4 }),
    // A whole answer whose body stalls after its headers: nothing reached the client yet.
    expect: (stream) => (stream ? brokeMidStream(/idle|time/i) : timedOut),
  },
  {
    name: '401',
    inject: () => ({ kind: 'status', status: 401 }),
    expect: () => refused,
  },
  {
    name: 'quota exhausted',
    inject: (vendor) => QUOTA[vendor],
    expect: () => refused,
  },
  {
    name: 'malformed upstream JSON',
    only: 'whole',
    inject: () => ({ kind: 'malformed-json' }),
    expect: () => ({ client: { status: 502 }, row: { status: 502, outcome: 'error', error: /not (valid )?JSON/i } }),
  },
  {
    name: 'a stream that ends without its closing event',
    only: 'stream',
    inject: () => ({ kind: 'end-mid-stream', afterEvents: 2 }),
    expect: () => brokeMidStream(/without its closing event/),
  },
];
