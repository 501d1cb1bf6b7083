import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, errorShapeProblem, startFuzzRig, type FuzzRig, type Shape } from './fuzz-gateway.js';
import { MAX_JSON_CONTAINERS, MAX_JSON_DEPTH } from '../../src/protocols/json-limits.js';

// No body holds the event loop: the worst inputs, sent while another client's ordinary requests
// keep answering. Each attack gets a clear 4xx in its own shape naming the limit, or a correct answer.

let rig: FuzzRig;
beforeAll(async () => {
  rig = await startFuzzRig();
});
afterAll(async () => {
  await rig?.close();
});

const MB = 1_000_000;
const noSpace = 'x'.repeat(MB);
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const hi = [{ role: 'user', content: 'hi' }];
const tinyBlocks = Array.from({ length: 100_000 }, () => ({ type: 'text', text: 'a' }));
const tinyMessages = Array.from({ length: 100_000 }, () => ({ role: 'user', content: 'a' }));
/** Text that made a regular expression retry from every position (each was quadratic before). */
// (Full body logging is on in the rig: the recorder redacts each body's first 264 KB on the event loop.)
const backtrackers = ['eyJ-'.repeat(MB / 4), 'a'.repeat(MB), ('a'.repeat(4095) + ' ').repeat(MB / 4096), 'a.a@'.repeat(MB / 4)];

interface Attack {
  name: string;
  path: string;
  shape: Shape;
  body: string;
  /** What the answer must be: 200, or a 4xx whose message contains this. */
  expect: 200 | RegExp;
}

const depthLimit = new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`);
const sizeLimit = new RegExp(`more than ${MAX_JSON_CONTAINERS} arrays and objects`);
const chat = (model: string, extra: object) => JSON.stringify({ model, messages: hi, ...extra });

const attacks: Attack[] = [
  // A megabyte without a space: passed through, translated, and counted by the gateway's own tokenizer.
  { name: '1 MB without a space, passed through', path: '/v1/chat/completions', shape: 'openai', body: chat('gpt', { messages: [{ role: 'user', content: noSpace }] }), expect: 200 },
  { name: '1 MB without a space, translated', path: '/v1/chat/completions', shape: 'openai', body: chat('claude', { messages: [{ role: 'user', content: noSpace }] }), expect: 200 },
  // One piece to the tokenizer however long, merged in quadratic time: a kilobyte of no-break spaces took seconds.
  { name: '1 MB of spaces, counted by estimate', path: '/v1/messages/count_tokens', shape: 'anthropic', body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: ' '.repeat(MB) }] }), expect: 200 },
  { name: '1 MB of no-break spaces, counted by estimate', path: '/v1/messages/count_tokens', shape: 'anthropic', body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: '\u00a0'.repeat(MB) }] }), expect: 200 },
  { name: '1 MB without a space, counted by estimate', path: '/v1/messages/count_tokens', shape: 'anthropic', body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: noSpace }] }), expect: 200 },
  // Brackets and escaped quotes inside strings are text: they count toward no limit.
  { name: 'a string of 200,000 brackets', path: '/v1/chat/completions', shape: 'openai', body: chat('gpt', { messages: [{ role: 'user', content: `${'[{'.repeat(100_000)}\\"\\\\` }] }), expect: 200 },
  { name: 'a 1 MB key', path: '/v1/chat/completions', shape: 'openai', body: `{"model":"gpt","messages":[{"role":"user","content":"hi"}],"${'k'.repeat(MB)}":1}`, expect: 200 },
  // 10,000-deep nesting where each shape's walkers would meet it.
  { name: '10,000-deep array in an unknown field', path: '/v1/chat/completions', shape: 'openai', body: `{"model":"gpt","messages":[{"role":"user","content":"hi"}],"x":${deepArray(10_000)}}`, expect: depthLimit },
  { name: '10,000-deep tool schema, translated', path: '/v1/chat/completions', shape: 'openai', body: `{"model":"claude","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject(10_000)}}}]}`, expect: depthLimit },
  { name: '10,000-deep content', path: '/v1/messages', shape: 'anthropic', body: `{"model":"claude","max_tokens":5,"messages":[{"role":"user","content":${deepArray(10_000)}}]}`, expect: depthLimit },
  { name: '10,000-deep Responses input', path: '/v1/responses', shape: 'openai', body: `{"model":"gpt","input":${deepArray(10_000)}}`, expect: depthLimit },
  { name: '10,000-deep Gemini parts', path: '/v1beta/models/gemini:generateContent', shape: 'gemini', body: `{"contents":[{"role":"user","parts":${deepArray(10_000)}}]}`, expect: depthLimit },
  { name: '10,000-deep count_tokens', path: '/v1beta/models/gpt:countTokens', shape: 'gemini', body: `{"contents":${deepArray(10_000)}}`, expect: depthLimit },
  // 100,000 tiny blocks and messages: too many to read without holding every other request.
  { name: '100,000 tiny content blocks, translated', path: '/v1/messages', shape: 'anthropic', body: JSON.stringify({ model: 'gpt', max_tokens: 5, messages: [{ role: 'user', content: tinyBlocks }] }), expect: sizeLimit },
  { name: '100,000 tiny messages', path: '/v1/chat/completions', shape: 'openai', body: JSON.stringify({ model: 'gemini', messages: tinyMessages }), expect: sizeLimit },
  { name: '100,000 tiny parts counted', path: '/v1beta/models/gpt:countTokens', shape: 'gemini', body: JSON.stringify({ contents: [{ role: 'user', parts: tinyBlocks.map(({ text }) => ({ text })) }] }), expect: sizeLimit },
  // Numbers too large for a double, and text built to make regular expressions backtrack (redaction, reservation, media types).
  { name: 'max_tokens 1e400', path: '/v1/messages', shape: 'anthropic', body: '{"model":"claude","max_tokens":1e400,"messages":[{"role":"user","content":"hi"}]}', expect: /max_tokens: must be a number, not a number out of range/ },
  ...backtrackers.map((text, i): Attack => ({ name: `backtracking text ${i + 1}`, path: '/v1/chat/completions', shape: 'openai', body: chat('gpt', { messages: [{ role: 'user', content: text }] }), expect: 200 })),
  {
    name: 'an image URL of 300,000 dots, translated to Gemini',
    path: '/v1/chat/completions',
    shape: 'openai',
    body: chat('gemini', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://example.com/${'.a?'.repeat(300_000)}#` } }] }] }),
    expect: 200,
  },
];

describe('bounded work per request', () => {
  it("answers every worst case clearly while another client's ordinary requests keep answering", async () => {
    // The tokenizer is built once, in the background (its import is a few hundred milliseconds of event loop here;
    // docs/security.md): built first, so what is measured below is each request's own work, counted exactly.
    await rig.gw.ctx.tokenizer.load();
    expect(rig.gw.ctx.tokenizer.current()).toBeDefined();
    const ordinary = JSON.stringify({ model: 'mock-model', messages: hi });
    const latencies: number[] = [];
    const inFlight = new Set<string>();
    let attacking = true;
    const victim = (async () => {
      while (attacking) {
        const res = await rig.send('/v1/chat/completions', ordinary);
        expect(res.status).toBe(200);
        latencies.push(res.ms);
        if (process.env.FUZZ_VERBOSE && res.ms > 200) console.log(`ordinary request ${Math.round(res.ms)} ms during: ${[...inFlight].join(', ')}`);
      }
    })();

    const problems: string[] = [];
    // Two attackers at once, each through the list.
    const queue = [...attacks];
    const attacker = async () => {
      for (let attack = queue.shift(); attack; attack = queue.shift()) {
        inFlight.add(attack.name);
        const res = await rig.send(attack.path, attack.body);
        inFlight.delete(attack.name);
        if (attack.expect === 200) {
          if (res.status !== 200) problems.push(`${attack.name}: ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        const shape = errorShapeProblem(attack.shape, res.text);
        if (res.status !== 400 || shape || !attack.expect.test(errorMessage(res.text))) problems.push(`${attack.name}: ${res.status} ${shape ?? ''} ${res.text.slice(0, 200)}`);
      }
    };
    await Promise.all([attacker(), attacker()]);
    attacking = false;
    await victim;

    expect(problems).toEqual([]);
    expect(latencies.length).toBeGreaterThan(5);
    // Generous: test files run two at a time on a two-core machine; the stalls this guards against (a quadratic
    // pattern, a tokenizer built in one go, an unbounded decode) held the event loop for seconds.
    expect(Math.max(...latencies)).toBeLessThan(1500);
  });

  it('still serves a normal request afterwards', async () => {
    const res = await rig.send('/v1/chat/completions', chat('gpt', {}));
    expect(res.status).toBe(200);
  });
});
