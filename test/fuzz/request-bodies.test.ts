import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { errorMessage, errorShapeProblem, startFuzzRig, type Answer, type FuzzRig, type Shape } from './fuzz-gateway.js';
import { CLIENT_SHAPES, casesFor, type FuzzCase } from './mutations.js';

// Malformed and mutated bodies by the ten thousand for every client shape, through the real HTTP
// server: never a 5xx from the gateway, every refusal a 4xx in the client's own error shape that
// names the field, and the gateway still serves afterwards. Replay a run with FUZZ_SEED; FUZZ_RUNS
// sets the bodies per shape (10,000 by default; FUZZ_RUNS=2000 for a quick local loop). Bodies that once broke something are in test/fixtures/fuzz/corpus.json.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
/** Bodies per shape: 10,000 (80,000 in all: two minutes on a two-core machine, five when it is busy). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** Requests in flight at once: enough to keep the gateway busy, few enough for a shared machine. */
const CONCURRENCY = 8;

let rig: FuzzRig;
beforeAll(async () => {
  console.log(`fuzzing with FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS} per shape`);
  // Body logging stays off here (the bounded-work test has it on): each body is then one request's own work.
  rig = await startFuzzRig({ connections: CONCURRENCY, logBodies: false });
});
afterAll(async () => {
  await rig?.close();
});

/**
 * Messages the gateway gives about the body as a whole; every other 400 of
 * its own starts with the field it is about (`messages: must be an array, not a string`).
 */
const WHOLE_BODY = [
  /^request body is not valid JSON$/,
  /^request body must be a JSON object$/,
  /^request body nests arrays and objects more than \d+ levels deep$/,
  /^request body holds more than \d+ arrays and objects/,
];
const NAMES_A_FIELD = /^[A-Za-z_$][\w$-]*(\.[\w$]+|\[\d+\])*: \S/;

/** What is wrong with the gateway's answer to a case, if anything. */
function judge(shape: Shape, sent: Pick<FuzzCase, 'headers' | 'body'>, answer: Answer): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (sent.headers['content-encoding'] && answer.status !== 415) return `a compressed body answered ${answer.status}, not 415`;
  if (answer.status < 400) return undefined;
  // An upstream's own refusal comes back in the same shape: a pass-through answer, or one the codecs translated.
  const wrongShape = errorShapeProblem(shape, answer.text);
  if (wrongShape) return `a ${answer.status} not in the ${shape} shape: ${wrongShape}`;
  if (answer.upstream === undefined && answer.status === 400) {
    const message = errorMessage(answer.text);
    if (!NAMES_A_FIELD.test(message) && !WHOLE_BODY.some((pattern) => pattern.test(message))) return `a 400 that names no field: ${message}`;
    // "is required" only for a field the body lacks: one of the wrong type must be told what it must be.
    const required = /^([^:]+): is required/.exec(message);
    if (required && valueAt(sent.body, required[1]) !== undefined) return `a 400 that calls a field it has missing: ${message}`;
  }
  return undefined;
}

/** The value at a field path (`messages[0].role`) of a JSON body, or undefined (also when the body is not JSON). */
function valueAt(body: string | Uint8Array, path: string): unknown {
  let at: unknown;
  try {
    at = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
  for (const [, key, index] of path.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)) {
    if (at === null || typeof at !== 'object') return undefined;
    const name = index ?? key;
    at = Object.hasOwn(at, name) ? (at as Record<string, unknown>)[name] : undefined;
  }
  return at;
}

/** Sends every case, CONCURRENCY at a time; returns the failures (at most a few, with their bodies). */
async function sendAll(shape: Shape, cases: FuzzCase[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length && failures.length < 5) {
      const sent = cases[next++];
      let problem: string | undefined;
      try {
        problem = judge(shape, sent, await rig.send(sent.path, sent.body, sent.headers));
      } catch (err) {
        problem = `no answer: ${(err as Error).message}`;
      }
      if (problem) {
        const body = typeof sent.body === 'string' ? sent.body : `base64:${Buffer.from(sent.body).toString('base64')}`;
        failures.push(`${problem}\n  ${sent.path} [${sent.mutations.join('; ')}]\n  headers ${JSON.stringify(sent.headers)}\n  body ${body.slice(0, 500)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

describe('fuzzed request bodies', () => {
  it.each(CLIENT_SHAPES.map((shape, i) => [shape.name, shape, i] as const))(
    '%s: mutated bodies get a 2xx, or a 4xx in the shape naming the field; never a 5xx',
    async (_name, shape, index) => {
      const started = performance.now();
      const cases = fc.sample(casesFor(shape), { seed: SEED + index, numRuns: Math.min(RUNS, shape.runs ?? RUNS) });
      const failures = await sendAll(shape.shape, cases);
      console.log(`${shape.name}: ${cases.length} bodies in ${Math.round(performance.now() - started)} ms`);
      expect(failures, `replay with FUZZ_SEED=${SEED}`).toEqual([]);
    },
    600_000,
  );
});

interface CorpusEntry {
  /** What it broke, and how it was fixed. */
  why: string;
  path: string;
  shape: Shape;
  body: string;
  headers?: Record<string, string>;
  /** The status it must get (else: any that is not a 5xx). */
  status?: number;
  /** A pattern its error message must match. */
  message?: string;
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/fuzz/corpus.json', import.meta.url), 'utf8')) as { entries: CorpusEntry[] };

describe('the corpus of bodies that once broke something', () => {
  it.each(corpus.entries.map((entry) => [entry.why, entry] as const))('%s', async (_why, entry) => {
    const headers = entry.headers ?? { 'content-type': 'application/json' };
    const body = entry.body.startsWith('base64:') ? new Uint8Array(Buffer.from(entry.body.slice(7), 'base64')) : expandBody(entry.body);
    const answer = await rig.send(entry.path, body, headers);
    expect(judge(entry.shape, { headers, body }, answer)).toBeUndefined();
    if (entry.status !== undefined) expect(answer.status).toBe(entry.status);
    if (entry.message !== undefined) expect(errorMessage(answer.text)).toMatch(new RegExp(entry.message));
  });
});

/** Corpus bodies may say `<<repeat N TEXT>>` for a long run, so the file stays small. */
function expandBody(body: string): string {
  return body.replace(/<<repeat (\d+) ([^>]*)>>/g, (_all, times: string, text: string) => text.repeat(Number(times)));
}

describe('after the fuzzing', () => {
  it('the gateway still serves ordinary requests in every shape', async () => {
    for (const shape of CLIENT_SHAPES) {
      const model = shape.models[0];
      const answer = await rig.send(shape.path(model), JSON.stringify(shape.valid(model)));
      expect(answer.status, `${shape.name}: ${answer.text.slice(0, 200)}`).toBe(200);
    }
  });
});
