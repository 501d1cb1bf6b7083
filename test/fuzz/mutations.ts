import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Shape } from './fuzz-gateway.js';

/**
 * Generated hostile bodies for one client shape: a valid body, then one or
 * more mutations (a field set to a value of another type, a field removed,
 * keys added or duplicated, numbers too large, the text truncated, invalid
 * UTF-8 bytes, the wrong content type, an empty or compressed body).
 */
export interface ClientShape {
  name: string;
  shape: Shape;
  /** The path for a model (Gemini puts it in the URL). */
  path(model: string): string;
  /** A valid body for a model. */
  valid(model: string): Record<string, unknown>;
  models: readonly string[];
  /** Bodies for this shape when fewer than FUZZ_RUNS are enough (a shape with few fields). */
  runs?: number;
}

const hi = [{ role: 'user', content: 'hi' }];
const geminiContents = [{ role: 'user', parts: [{ text: 'hi' }] }];
const chatModels = ['gpt', 'claude', 'gemini'] as const;

export const CLIENT_SHAPES: ClientShape[] = [
  { name: 'OpenAI Chat Completions', shape: 'openai', models: chatModels, path: () => '/v1/chat/completions', valid: (model) => ({ model, messages: hi, max_tokens: 16 }) },
  { name: 'OpenAI Responses', shape: 'openai', models: chatModels, path: () => '/v1/responses', valid: (model) => ({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }], max_output_tokens: 16 }) },
  { name: 'Anthropic Messages', shape: 'anthropic', models: chatModels, path: () => '/v1/messages', valid: (model) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], system: 'be brief' }) },
  { name: 'Anthropic count_tokens', shape: 'anthropic', models: chatModels, path: () => '/v1/messages/count_tokens', valid: (model) => ({ model, messages: hi, system: 'be brief' }) },
  { name: 'Gemini generateContent', shape: 'gemini', models: chatModels, path: (model) => `/v1beta/models/${model}:generateContent`, valid: () => ({ contents: geminiContents, generationConfig: { maxOutputTokens: 16, temperature: 0.5 } }) },
  { name: 'Gemini streamGenerateContent', shape: 'gemini', models: chatModels, path: (model) => `/v1beta/models/${model}:streamGenerateContent?alt=sse`, valid: () => ({ contents: geminiContents, systemInstruction: { parts: [{ text: 'be brief' }] } }) },
  { name: 'Gemini countTokens', shape: 'gemini', models: chatModels, path: (model) => `/v1beta/models/${model}:countTokens`, valid: () => ({ contents: geminiContents }) },
  { name: 'OpenAI embeddings', shape: 'openai', models: ['embed', 'gpt'], path: () => '/v1/embeddings', valid: (model) => ({ model, input: ['hi', 'there'] }) },
  // Few fields, and its translation shares the IR's encoders with the shapes above: fewer bodies do.
  { name: 'OpenAI legacy completions', shape: 'openai', models: ['instruct', 'gpt', 'claude', 'gemini'], path: () => '/v1/completions', valid: (model) => ({ model, prompt: 'hi', max_tokens: 16, stop: ['\n'], temperature: 0.5 }), runs: 2_000 },
];

/** One generated request. */
export interface FuzzCase {
  path: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** What was done to the valid body, for the failure report. */
  mutations: string[];
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Values of every JSON type, and the edge numbers. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, true, false, null, '', ' ', '<|endoftext|>', '\u0000', [], {}, [[]], [{}]),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Every path to a value inside a JSON value (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): void {
  let at = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else at[last] = value;
}

type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'remove'; pick: number }
  | { kind: 'add'; key: string; value: unknown };

const structural: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'stream', 'tools', 'n', 'store')), value: anyValue }),
);

type TextMutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-key'; value: unknown }
  | { kind: 'huge-number'; literal: string }
  | { kind: 'invalid-utf8'; at: number; bytes: number[] }
  | { kind: 'garbage'; text: string };

const textual: fc.Arbitrary<TextMutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-key' as const), value: anyValue }),
  fc.record({ kind: fc.constant('huge-number' as const), literal: fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890123456789', '0.0000000000000000000000000000001e-400', '-0', '1E+400') }),
  fc.record({
    kind: fc.constant('invalid-utf8' as const),
    at: fc.nat(),
    bytes: fc.array(fc.constantFrom(0xff, 0xfe, 0xc0, 0xc3, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x00), { minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('garbage' as const), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', 'null', '[]', '"hello"', '42', 'true', '{', '}', '{"model":', '\u0000', '\ufeff{}')) }),
);

type Framing = { kind: 'json' } | { kind: 'content-type'; value: string | null } | { kind: 'gzip-bomb' };

const framing: fc.Arbitrary<Framing> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'json' as const }), weight: 12 },
  fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom(null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '') }),
  { arbitrary: fc.constant({ kind: 'gzip-bomb' as const }), weight: 1 },
);

/** Ten megabytes of zeros in about ten kilobytes: what inflating a body unasked would cost. */
const GZIP_BOMB = gzipSync(Buffer.alloc(10 * 1024 * 1024));

function applyText(text: string, mutation: TextMutation): string | Uint8Array {
  switch (mutation.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, mutation.at % Math.max(text.length, 1));
    case 'duplicate-key':
      return `${text.slice(0, -1)},"model":${JSON.stringify(mutation.value) ?? 'null'}}`;
    case 'huge-number': {
      const number = /-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text);
      return number ? text.slice(0, number.index) + mutation.literal + text.slice(number.index + number[0].length) : text;
    }
    case 'invalid-utf8': {
      const bytes = Buffer.from(text, 'utf8');
      const at = mutation.at % (bytes.length + 1);
      return new Uint8Array(Buffer.concat([bytes.subarray(0, at), Buffer.from(mutation.bytes), bytes.subarray(at)]));
    }
    case 'garbage':
      return mutation.text;
  }
}

/** Generated cases for a shape: one to three structural mutations of a valid body, then perhaps one of its text and framing. */
export function casesFor(shape: ClientShape): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      model: fc.constantFrom(...shape.models),
      structure: fc.array(structural, { minLength: 0, maxLength: 3 }),
      text: textual,
      framing,
    })
    .map(({ model, structure, text, framing: frame }) => {
      const body = clone(shape.valid(model));
      const mutations: string[] = [];
      for (const mutation of structure) {
        const paths = pathsOf(body);
        if (mutation.kind === 'add') {
          // JSON.parse makes `__proto__` an own key, as a client's body would have it.
          const withKey = JSON.parse(`{${JSON.stringify(mutation.key)}:${JSON.stringify(mutation.value) ?? 'null'}}`) as object;
          Object.assign(body, withKey);
          mutations.push(`add ${mutation.key}`);
          continue;
        }
        if (paths.length === 0) continue;
        const path = paths[mutation.pick % paths.length];
        setAt(body, path, mutation.kind === 'set' ? mutation.value : undefined, mutation.kind === 'remove');
        mutations.push(`${mutation.kind} ${path.join('.')}`);
      }
      if (text.kind !== 'none') mutations.push(text.kind);
      let payload = applyText(JSON.stringify(body), text);
      let headers: Record<string, string> = JSON_TYPE;
      if (frame.kind === 'content-type') {
        headers = frame.value === null ? {} : { 'content-type': frame.value };
        mutations.push(`content-type ${frame.value}`);
      } else if (frame.kind === 'gzip-bomb') {
        payload = new Uint8Array(GZIP_BOMB);
        headers = { ...JSON_TYPE, 'content-encoding': 'gzip' };
        mutations.push('gzip bomb');
      }
      return { path: shape.path(model), body: payload, headers, mutations };
    });
}
