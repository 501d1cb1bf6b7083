// The translation matrix: every client shape, through its official SDK, against
// every upstream kind, for every shared scenario, whole and streamed. Each cell
// checks what the SDK parsed (text, tool calls, arguments, finish reason, usage in
// the client's own meaning), what the fake upstream received (in its own shape),
// and the request_log row (the upstream's own figures, and whether it was translated).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/store/types.js';
import type { FakeCall } from '../../fakes/index.js';
import { JSON_ANSWER, LENGTH_TEXT, REASONING, REASONING_ANSWER, REASONING_SIGNATURE, STOP_SEQUENCE, STOP_TEXT, TOOL_CALLS, type ScenarioName } from '../../fakes/scenarios.js';
import { FAKE_GEMINI_USAGE, FAKE_USAGE } from '../../fakes/index.js';
import { caught, clientShapes, JSON_SCHEMA, TOOL_RESULTS, type Answer, type Ask, type ClientName, type ClientShape } from './clients.js';
import { startMatrix, type MatrixRig } from './matrix-gateway.js';
import { UPSTREAMS, type UpstreamName, type UpstreamShape } from './upstreams.js';

const CLIENTS: readonly ClientName[] = ['chat', 'responses', 'anthropic', 'gemini'];
const MODES = [
  { mode: 'whole', stream: false },
  { mode: 'stream', stream: true },
] as const;

/** A 1×1 PNG. */
const PNG = {
  mediaType: 'image/png',
  data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
};
const SYSTEM = 'You are a terse assistant.';

/** Everything a case needs about the cell it runs in. */
interface Cell {
  rig: MatrixRig;
  client: ClientShape;
  up: UpstreamShape;
  stream: boolean;
  /** `client -> upstream` protocols, or null for pass-through. */
  translation: string | null;
}

interface Case {
  name: string;
  scenario: ScenarioName;
  ask: Ask;
  run(cell: Cell): Promise<void>;
}

/**
 * What the matrix cannot check because a shape truly cannot carry it, so that
 * nothing is left out silently. `skip` cells cannot work at all and are
 * `it.skip`ped with their reason; `partial` cells run, and check what the
 * shapes can carry (the reason says what they cannot).
 */
const KNOWN_GAPS: readonly {
  client: ClientName | '*';
  upstream: UpstreamName | readonly UpstreamName[] | '*';
  case: string;
  kind: 'skip' | 'partial';
  reason: string;
}[] = [
  {
    client: 'chat',
    upstream: 'responses',
    case: 'reasoning round trip',
    kind: 'skip',
    reason:
      'OpenAI Chat has no field for encrypted reasoning: the Responses upstream\'s encrypted_content cannot reach a Chat client, so it cannot come back (the reasoning summary itself is shown and checked by the "reasoning" cell)',
  },
  {
    client: 'responses',
    upstream: '*',
    case: 'stop sequence',
    kind: 'partial',
    reason: 'the Responses API has no stop parameter: a Responses client cannot send a stop sequence; the cell checks the text and `completed`',
  },
  {
    client: '*',
    upstream: 'responses',
    case: 'stop sequence',
    kind: 'partial',
    reason: 'the Responses API has no stop parameter: the client\'s stop sequence is dropped, with a warning the cell asserts on the log row',
  },
  {
    client: 'anthropic',
    upstream: ['chat', 'responses', 'gemini'],
    case: 'stop sequence',
    kind: 'partial',
    reason:
      'only Anthropic says which stop sequence matched: from the other upstreams an Anthropic client gets end_turn and stop_sequence null (asserted), not stop_sequence "END"',
  },
];

function gapOf(client: ClientName, upstream: UpstreamName, name: string): (typeof KNOWN_GAPS)[number] | undefined {
  const matches = KNOWN_GAPS.filter(
    (g) => (g.client === '*' || g.client === client) && (g.upstream === '*' || [g.upstream].flat().includes(upstream)) && g.case === name,
  );
  return matches.find((g) => g.kind === 'skip') ?? matches[0];
}

// ------------------------------------------------------------------ helpers

/** The upstream's generate calls since the test began. */
function generateCalls(cell: Cell): FakeCall[] {
  return cell.up.fake(cell.rig).calls.filter((c) => cell.up.isGenerate(c));
}

function lastCall(cell: Cell): FakeCall {
  const calls = generateCalls(cell);
  expect(calls.length, `calls to the ${cell.up.name} upstream`).toBeGreaterThan(0);
  return calls.at(-1)!;
}

/** The upstream was asked to stream exactly when the client streamed. */
function expectStreamFlag(cell: Cell, call: FakeCall): void {
  if (cell.up.name === 'gemini') expect(call.path.includes(':streamGenerateContent')).toBe(cell.stream);
  else expect(call.body.stream === true).toBe(cell.stream);
}

async function expectOkRow(cell: Cell, scenario: ScenarioName, extra: Partial<LogRecord> = {}): Promise<LogRecord> {
  const [row] = await cell.rig.newRows(1);
  expect(row).toMatchObject({
    protocol: cell.client.protocol,
    model: cell.up.model,
    status: 200,
    outcome: 'ok',
    stream: cell.stream,
    translation: cell.translation,
    usageEstimated: false,
    ...cell.up.usage(scenario),
    ...extra,
  });
  if (cell.translation === null) expect(row!.warnings).toBeNull();
  else {
    // The SDKs' requests here hold nothing the IR lacks beyond REAL_LOSSES: no other client field or content
    // may be reported dropped (the client's own spelling of what the IR carries is kept for same-protocol round trips only).
    const real = REAL_LOSSES[cell.client.name];
    const dropped = (row!.warnings ?? []).filter((w) => /^dropped [\w-]+ (fields|content)\b/.test(w) && !real?.test(w));
    expect(dropped).toEqual([]);
  }
  return row!;
}

/** The client fields a matrix request really loses on the way to another protocol (see the loss table in docs/translation.md). */
const REAL_LOSSES: Partial<Record<ClientName, RegExp>> = {
  // Reasoning cases ask for `include: ['reasoning.encrypted_content']`: another vendor's reasoning has no such content.
  responses: /^dropped openai-responses fields[^:]*: include$/,
};

function expectUsage(cell: Cell, answer: Answer, scenario: ScenarioName): void {
  expect(answer.usage).toEqual(cell.client.usage(cell.up.usage(scenario)));
}

/** One request whose answer is plain text; returns the answer after the common checks. */
async function plainText(cell: Cell, c: Case, expected: { text: string; finish?: string }): Promise<{ answer: Answer; row: LogRecord }> {
  const { answer } = await cell.client.send(c.ask, cell.up.model, cell.stream);
  expect(answer.text).toBe(expected.text);
  expect(answer.toolCalls).toEqual([]);
  expect(answer.finish).toBe(expected.finish ?? cell.client.finish.stop);
  expectUsage(cell, answer, c.scenario);
  expectStreamFlag(cell, lastCall(cell));
  const row = await expectOkRow(cell, c.scenario);
  return { answer, row };
}

const lastUser = (ask: Ask): string => ask.turns.at(-1)!.text;

// -------------------------------------------------------------------- cases

const CASES: readonly Case[] = [
  {
    name: 'plain text',
    scenario: 'text',
    ask: { turns: [{ role: 'user', text: 'Hello there, gateway.' }] },
    async run(cell) {
      await plainText(cell, this, { text: `echo: ${lastUser(this.ask)}` });
      expect(cell.up.read.turns(lastCall(cell).body)).toEqual([{ role: 'user', text: lastUser(this.ask) }]);
    },
  },
  {
    name: 'system prompt',
    scenario: 'text',
    ask: { system: SYSTEM, turns: [{ role: 'user', text: 'Who are you?' }] },
    async run(cell) {
      await plainText(cell, this, { text: `echo: ${lastUser(this.ask)}` });
      const body = lastCall(cell).body;
      expect(cell.up.read.system(body)).toBe(SYSTEM);
      expect(cell.up.read.turns(body)).toEqual([{ role: 'user', text: lastUser(this.ask) }]);
    },
  },
  {
    name: 'multi-turn',
    scenario: 'text',
    ask: {
      turns: [
        { role: 'user', text: 'First question.' },
        { role: 'assistant', text: 'First answer.' },
        { role: 'user', text: 'Second question.' },
      ],
    },
    async run(cell) {
      await plainText(cell, this, { text: 'echo: Second question.' });
      expect(cell.up.read.turns(lastCall(cell).body)).toEqual(this.ask.turns);
    },
  },
  {
    name: 'image input',
    scenario: 'text',
    ask: { turns: [{ role: 'user', text: 'What is in this picture?', image: PNG }] },
    async run(cell) {
      const { row } = await plainText(cell, this, { text: `echo: ${lastUser(this.ask)}` });
      const body = lastCall(cell).body;
      expect(cell.up.read.image(body)).toEqual(PNG);
      // A base64 PNG crosses every pair whole: nothing about it is reported lost.
      expect((row.warnings ?? []).filter((w) => /image/.test(w))).toEqual([]);
      expect(cell.up.read.turns(body)).toEqual([{ role: 'user', text: lastUser(this.ask) }]);
    },
  },
  {
    name: 'parallel tool calls, round trip',
    scenario: 'tools',
    ask: { turns: [{ role: 'user', text: 'Weather and time in Paris? scenario:tools' }], tools: true },
    async run(cell) {
      const conversation = await cell.client.send(this.ask, cell.up.model, cell.stream);
      const { answer } = conversation;
      expect(answer.toolCalls).toEqual(TOOL_CALLS.map((call, i) => ({ id: cell.up.toolIds[i], name: call.name, args: call.arguments })));
      expect(answer.text).toBe('');
      expect(answer.finish).toBe(cell.client.finish.tools);
      expectUsage(cell, answer, this.scenario);
      const first = lastCall(cell);
      expectStreamFlag(cell, first);
      expect(toolNamesOf(cell.up, first.body)).toEqual(TOOL_CALLS.map((c) => c.name));
      await expectOkRow(cell, this.scenario);

      // The client runs the tools and sends the results back with the ids it received.
      await conversation.followUp({ toolResults: answer.toolCalls.map((c) => ({ id: c.id, name: c.name, output: TOOL_RESULTS[c.name]! })) });
      expect(generateCalls(cell)).toHaveLength(2);
      const second = lastCall(cell).body;
      expect(cell.up.read.toolCalls(second)).toEqual(answer.toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.args })));
      expect(cell.up.read.toolResults(second)).toEqual(
        answer.toolCalls.map((c) => ({ id: c.id, name: cell.up.name === 'gemini' ? c.name : undefined, output: JSON.parse(TOOL_RESULTS[c.name]!) })),
      );
      expect(cell.up.read.turns(second)).toEqual([{ role: 'user', text: lastUser(this.ask) }]);
      await expectOkRow(cell, this.scenario);
    },
  },
  {
    name: 'JSON-schema output',
    scenario: 'json',
    ask: { turns: [{ role: 'user', text: 'Answer in JSON. scenario:json' }], json: true },
    async run(cell) {
      const { answer } = await plainText(cell, this, { text: JSON_ANSWER });
      expect(JSON.parse(answer.text)).toEqual({ answer: 42, unit: 'none' });
      expect(cell.up.read.jsonSchema(lastCall(cell).body)).toEqual(JSON_SCHEMA);
    },
  },
  {
    name: 'reasoning',
    scenario: 'reasoning',
    ask: { turns: [{ role: 'user', text: 'What is 2+2? scenario:reasoning' }], reasoning: true },
    async run(cell) {
      const { answer } = await plainText(cell, this, { text: REASONING_ANSWER });
      expect(answer.reasoning).toBe(REASONING);
      // Vendor-bound data is shown only to a client of the vendor that made it.
      expect(answer.opaque).toEqual(carriesOpaque(cell) ? [expect.stringContaining(REASONING_SIGNATURE)] : []);
    },
  },
  {
    name: 'reasoning round trip',
    scenario: 'reasoning',
    ask: { turns: [{ role: 'user', text: 'What is 2+2? scenario:reasoning' }], reasoning: true },
    async run(cell) {
      const conversation = await cell.client.send(this.ask, cell.up.model, cell.stream);
      await expectOkRow(cell, this.scenario);
      const next = await conversation.followUp({ userText: 'Thanks.' });
      expect(next.text).toBe('echo: Thanks.');
      const body = lastCall(cell).body;
      expect(cell.up.read.turns(body)).toEqual([
        { role: 'user', text: lastUser(this.ask) },
        { role: 'assistant', text: REASONING_ANSWER },
        { role: 'user', text: 'Thanks.' },
      ]);
      // Same vendor: the signature / encrypted content comes back untouched; otherwise none is sent.
      expect(cell.up.read.opaque(body)).toEqual(carriesOpaque(cell) ? [REASONING_SIGNATURE] : []);
      await expectOkRow(cell, 'text');
    },
  },
  {
    name: 'stop sequence',
    scenario: 'stop',
    ask: { turns: [{ role: 'user', text: 'Count. scenario:stop' }], stop: STOP_SEQUENCE },
    async run(cell) {
      // Only an Anthropic upstream says which sequence stopped it, and only an Anthropic client can show that.
      const named = cell.client.name === 'anthropic' && cell.up.name === 'anthropic';
      const { answer } = await cell.client.send(this.ask, cell.up.model, cell.stream);
      expect(answer.text).toBe(STOP_TEXT);
      expect(answer.finish).toBe(named ? 'stop_sequence' : cell.client.finish.stop);
      if (cell.client.name === 'anthropic') expect(answer.stopSequence).toBe(named ? STOP_SEQUENCE : null);
      expectUsage(cell, answer, this.scenario);
      const body = lastCall(cell).body;
      expectStreamFlag(cell, lastCall(cell));
      // The Responses API has no stop parameter: a stop sequence sent to it is dropped, with a warning.
      const dropped = cell.client.canStop && cell.up.name === 'responses';
      expect(cell.up.read.stop(body)).toEqual(cell.client.canStop && !dropped ? [STOP_SEQUENCE] : undefined);
      const row = await expectOkRow(cell, this.scenario);
      if (dropped) expect(row.warnings).toContain('dropped stop sequences: openai-responses has no stop parameter');
    },
  },
  {
    name: 'max-tokens cut-off',
    scenario: 'length',
    ask: { turns: [{ role: 'user', text: 'Tell me a long story. scenario:length' }], maxTokens: 16 },
    async run(cell) {
      await plainText(cell, this, { text: LENGTH_TEXT, finish: cell.client.finish.length });
      expect(cell.up.read.maxTokens(lastCall(cell).body)).toBe(16);
    },
  },
  {
    name: 'upstream server error',
    scenario: 'error',
    ask: { turns: [{ role: 'user', text: 'Break. scenario:error' }] },
    async run(cell) {
      const err = await caught(() => cell.client.send(this.ask, cell.up.model, cell.stream));
      cell.client.expectError(err, 'server');
      expectStreamFlag(cell, lastCall(cell));
      const [row] = await cell.rig.newRows(1);
      expect(row).toMatchObject({ status: 500, outcome: 'upstream_error', translation: cell.translation, inputTokens: 0, outputTokens: 0 });
    },
  },
  {
    name: 'context-length error',
    scenario: 'context',
    ask: { turns: [{ role: 'user', text: 'A very long prompt. scenario:context' }] },
    async run(cell) {
      const err = await caught(() => cell.client.send(this.ask, cell.up.model, cell.stream));
      cell.client.expectError(err, 'context');
      const [row] = await cell.rig.newRows(1);
      expect(row).toMatchObject({ status: 400, outcome: 'upstream_error', translation: cell.translation, inputTokens: 0, outputTokens: 0 });
    },
  },
];

/**
 * Whether the upstream's vendor-bound reasoning data reaches this client (same
 * vendor, a shape that can hold it; Anthropic's signature also rides, tagged,
 * in a Responses client's encrypted_content, which the matrix asks for).
 */
function carriesOpaque(cell: Cell): boolean {
  if (cell.client.name === 'responses' && cell.up.name === 'anthropic') return true;
  return cell.client.vendor === cell.up.vendor && cell.up.name !== 'chat' && gapOf(cell.client.name, cell.up.name, 'reasoning round trip')?.kind !== 'skip';
}

function toolNamesOf(up: UpstreamShape, body: any): string[] {
  switch (up.name) {
    case 'chat':
      return body.tools.map((t: any) => t.function.name);
    case 'responses':
    case 'anthropic':
      return body.tools.map((t: any) => t.name);
    case 'gemini':
      return body.tools.flatMap((t: any) => t.functionDeclarations.map((d: any) => d.name));
    default:
      return up.name satisfies never;
  }
}

// --------------------------------------------------------------- the matrix

let rig: MatrixRig;
let shapes: Map<ClientName, ClientShape>;

beforeAll(async () => {
  rig = await startMatrix();
  shapes = new Map(clientShapes(rig.gw.url).map((s) => [s.name, s]));
});
afterAll(async () => {
  await rig?.close();
});
beforeEach(() => {
  rig.mark();
  rig.openai.reset();
  rig.anthropic.reset();
  rig.gemini.reset();
});

describe.each(CLIENTS)('%s client', (client) => {
  describe.each(UPSTREAMS.map((up) => [up.name, up] as const))('× %s upstream', (_name, up) => {
    describe.each(MODES.map((m) => [m.mode, m.stream] as const))('%s', (_mode, stream) => {
      for (const c of CASES) {
        const gap = gapOf(client, up.name, c.name);
        if (gap?.kind === 'skip') {
          it.skip(`${c.name} — KNOWN GAP: ${gap.reason}`, () => {});
          continue;
        }
        it(gap ? `${c.name} (partial, see KNOWN_GAPS)` : c.name, async () => {
          const shape = shapes.get(client)!;
          const translation = shape.protocol === up.protocol ? null : `${shape.protocol} -> ${up.protocol}`;
          await c.run.call(c, { rig, client: shape, up, stream, translation });
        });
      }
    });
  });
});

describe.each(['anthropic', 'gemini'] as const)('count_tokens from the %s client', (client) => {
  const native: Partial<Record<UpstreamName, number>> = { anthropic: FAKE_USAGE.anthropic.countTokens, gemini: FAKE_GEMINI_USAGE.countTokens };
  const countPath = { anthropic: '/v1/messages/count_tokens', gemini: ':countTokens' } as const;

  it.each(UPSTREAMS.map((up) => [up.name, up] as const))('on the %s upstream', async (_name, up) => {
    const shape = shapes.get(client)!;
    const tokens = await shape.countTokens!(up.model, 'How many tokens is this sentence?');
    const [row] = await rig.newRows(1);
    const count = native[up.name];
    expect(row).toMatchObject({ endpoint: 'count_tokens', protocol: shape.protocol, model: up.model, status: 200, outcome: 'ok' });
    if (count !== undefined) {
      // The upstream counts natively: its own figure, passed through or translated.
      expect(tokens).toBe(count);
      expect(row).toMatchObject({ usageEstimated: false, translation: shape.protocol === up.protocol ? null : `${shape.protocol} -> ${up.protocol}` });
      expect(up.fake(rig).calls.filter((c) => c.path.includes(countPath[up.name as 'anthropic' | 'gemini']))).toHaveLength(1);
    } else {
      // OpenAI upstreams cannot count: an estimate, marked as one, and no upstream call.
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThan(50);
      expect(row!.usageEstimated).toBe(true);
      expect(row!.warnings?.join(' ')).toMatch(/estimated/);
      expect(up.fake(rig).calls).toHaveLength(0);
    }
  });
});
