import { TOOLS } from './claude-code-tools.js';

/**
 * A deterministic Anthropic Messages request the size and shape of a real
 * Claude Code turn late in a session: a system prompt as text blocks with
 * cache_control, about twenty tools with JSON-schema inputs, then a long
 * history of turns: text, tool_use (Read, Grep, Edit, Bash, TodoWrite, Glob)
 * and tool_result blocks (file listings in `cat -n` form, grep hits, test
 * output, an error now and then), thinking blocks with signatures on some
 * assistant turns, cache_control on the last user turns, metadata.user_id.
 * Every block kind is one Switchboard's Anthropic decoder carries to the IR
 * (see test/unit/claude-code-request.test.ts). The history grows by whole
 * episodes, then the last tool result is cut so the body is `targetBytes`
 * long (to the byte, unless the fixed part alone is longer).
 */
export function claudeCodeRequest(targetBytes = 280_000, model = 'bench-model'): string {
  const random = mulberry32(14);
  const body = {
    model,
    max_tokens: 32000,
    stream: true,
    metadata: { user_id: `user_${hex(random, 64)}_account_${uuid(random)}_session_${uuid(random)}` },
    thinking: { type: 'enabled', budget_tokens: 16000 },
    system: [
      { type: 'text', text: 'You are a command-line coding agent working in the user\'s repository.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: systemPrompt(random), cache_control: { type: 'ephemeral' } },
    ],
    tools: TOOLS,
    messages: [] as Message[],
  };
  const messages = body.messages;
  messages.push({
    role: 'user',
    content: [
      { type: 'text', text: `<system-reminder>\nContents of /repo/CLAUDE.md (project instructions):\n\n${projectNotes()}\n</system-reminder>` },
      { type: 'text', text: 'The gateway drops the usage chunk of translated streams when the upstream sends it after finish_reason. Find where, fix it, and add a test.' },
    ],
  });

  const size = () => Buffer.byteLength(JSON.stringify(body));
  // Room for the last exchange (a Read and its result, at least a few lines of it) beyond the episodes.
  const reserve = 3_000;
  let total = size();
  for (let episode = 0; total < targetBytes - reserve; episode++) {
    const turns = episodeTurns(random, episode);
    const added = turns.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)) + 1, 0);
    if (total + added > targetBytes - reserve && episode > 0) break;
    messages.push(...turns);
    total += added;
  }

  // The last exchange: a Read whose result fills the body to the byte, and the turn's cache breakpoint.
  const path = FILES[messages.length % FILES.length];
  const id = toolId(random);
  messages.push({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: path } }] });
  const result: Block = { type: 'tool_result', tool_use_id: id, content: '' };
  messages.push({ role: 'user', content: [result, { type: 'text', text: 'Keep going.', cache_control: { type: 'ephemeral' } }] });
  const room = targetBytes - size();
  if (room > 0) result.content = cutToEscapedLength(catN(sourceFile(random, Math.ceil(room / 30) + 10), 1), room);
  return JSON.stringify(body);
}

type Block = Record<string, unknown>;
type Message = { role: 'user' | 'assistant'; content: Block[] };

/** One step of the agent's loop, as a few assistant/user pairs: read, search, edit, test, sometimes plan. */
function episodeTurns(random: () => number, episode: number): Message[] {
  const file = FILES[episode % FILES.length];
  const test = `/repo/test/${file.split('/').slice(-2).join('-').replace('.ts', '.test.ts')}`;
  const turns: Message[] = [];
  const exchange = (assistant: Block[], results: (id: string) => Block[]) => {
    const id = toolId(random);
    // The wire's key order: type, id, name, input.
    const calls = assistant.map((b) => (b.type === 'tool_use' ? { type: 'tool_use', id, name: b.name, input: b.input } : b));
    turns.push({ role: 'assistant', content: calls }, { role: 'user', content: results(id) });
  };
  const thinking = (): Block[] =>
    episode % 3 === 0 ? [{ type: 'thinking', thinking: thought(random, file), signature: signature(random) }] : [];

  const lines = 80 + Math.floor(random() * 220);
  exchange(
    [
      ...thinking(),
      { type: 'text', text: `Let me read ${file.replace('/repo/', '')} to see how it handles the stream's end.` },
      { type: 'tool_use', name: 'Read', input: { file_path: file } },
    ],
    (id) => [{ type: 'tool_result', tool_use_id: id, content: catN(sourceFile(random, lines), 1) }],
  );
  const word = pick(random, IDENTS);
  const grep = { pattern: `${word}\\(`, path: '/repo/src', output_mode: 'content', '-n': true };
  exchange([{ type: 'tool_use', name: 'Grep', input: grep }], (id) => [{ type: 'tool_result', tool_use_id: id, content: grepHits(random, word) }]);
  if (episode % 4 === 1) {
    // Two files at once: parallel tool calls, results as text blocks with a reminder after them.
    const [a, b] = [toolId(random), toolId(random)];
    const other = FILES[(episode + 3) % FILES.length];
    turns.push(
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: a, name: 'Read', input: { file_path: other } },
          { type: 'tool_use', id: b, name: 'Glob', input: { pattern: 'test/**/*stream*.test.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: a, content: [{ type: 'text', text: catN(sourceFile(random, 60 + Math.floor(random() * 120)), 1) }] },
          { type: 'tool_result', tool_use_id: b, content: FILES.map((f) => f.replace('/src/', '/test/').replace('.ts', '.test.ts')).join('\n') },
          { type: 'text', text: '<system-reminder>The TodoWrite tool has not been used recently. Consider it if the task has several steps.</system-reminder>' },
        ],
      },
    );
  }
  const old = codeLine(random, 1);
  const replacement = codeLine(random, 1);
  exchange(
    [
      { type: 'text', text: `The ${word} call runs before the usage arrives. Moving it after the finish.` },
      { type: 'tool_use', name: 'Edit', input: { file_path: file, old_string: old, new_string: replacement } },
    ],
    (id) => [
      {
        type: 'tool_result',
        tool_use_id: id,
        content: `The file ${file} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${catN(sourceFile(random, 12), 40)}`,
      },
    ],
  );
  const failing = episode % 4 === 2;
  exchange([{ type: 'tool_use', name: 'Bash', input: { command: `npx vitest run ${test.replace('/repo/', '')}`, description: 'Run the tests of the changed file' } }], (id) => [
    { type: 'tool_result', tool_use_id: id, content: testOutput(random, test, failing), ...(failing ? { is_error: true } : {}) },
  ]);
  if (episode % 2 === 0) {
    const current = episode % TODOS.length;
    const todos = TODOS.map((content, i) => ({
      content,
      status: i < current ? 'completed' : i === current ? 'in_progress' : 'pending',
      activeForm: content.replace(/^\w+/, (verb) => `${verb.replace(/e$/, '')}ing`),
    }));
    exchange([{ type: 'tool_use', name: 'TodoWrite', input: { todos } }], (id) => [
      { type: 'tool_result', tool_use_id: id, content: 'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. Please proceed with the current tasks if applicable' },
    ]);
  }
  return turns;
}

const FILES = [
  'src/gateway/respond-translated.ts',
  'src/translate/openai-chat/decode-stream.ts',
  'src/translate/anthropic/encode-stream.ts',
  'src/usage/stream-usage.ts',
  'src/gateway/attempt.ts',
  'src/translate/sse.ts',
  'src/providers/openai.ts',
  'src/gateway/respond-pass-through.ts',
  'src/store/recorder.ts',
  'src/policy/limits.ts',
].map((f) => `/repo/${f}`);
const IDENTS = ['encodeEvent', 'finishStream', 'readUsage', 'pushFrame', 'closeBlock', 'recordUsage', 'parseSse', 'flushPending', 'toIrEvent', 'emitDelta'];
const TYPES = ['string', 'number', 'IREvent[]', 'Usage | undefined', 'Record<string, unknown>', 'SseEvent', 'Promise<void>'];
const WORDS = ['stream', 'usage', 'chunk', 'event', 'frame', 'finish', 'block', 'delta', 'request', 'upstream', 'client', 'buffer', 'record', 'model'];
const TODOS = [
  'Find where the usage chunk is dropped',
  'Fix the order of finish and usage',
  'Add a test for a late usage chunk',
  'Run the translate tests',
  'Update the architecture notes',
];

/** A line of TypeScript in the style of the repository (quotes, template literals, escapes, as real code has). */
function codeLine(random: () => number, depth: number): string {
  const pad = '  '.repeat(depth);
  const a = pick(random, IDENTS);
  const w = pick(random, WORDS);
  switch (Math.floor(random() * 10)) {
    case 0:
      return `${pad}const ${w} = await ${a}(input, { ${pick(random, WORDS)}: '${pick(random, WORDS)}', limit: ${Math.floor(random() * 1000)} });`;
    case 1:
      return `${pad}if (!${w}) throw new Error(\`no ${w} for "\${${pick(random, WORDS)}.id}"\\n\`);`;
    case 2:
      return `${pad}// The ${w} may arrive after the ${pick(random, WORDS)}: keep it until the ${pick(random, WORDS)} ends.`;
    case 3:
      return `${pad}return { ...${w}, ${pick(random, WORDS)}: [${w}.length, ${Math.floor(random() * 100)}] };`;
    case 4:
      return `${pad}for (const ${w} of ${pick(random, WORDS)}s) out.push(${a}(${w}));`;
    case 5:
      return `${pad}this.#${w} = ${pick(random, WORDS)}.split('\\n\\n').filter(Boolean);`;
    case 6:
      return `${pad}const ${w}: ${pick(random, TYPES)} = JSON.parse(${pick(random, WORDS)}.data) as ${pick(random, TYPES)};`;
    case 7:
      return `${pad}} else if (${w}.type === '${pick(random, WORDS)}_${pick(random, WORDS)}') {`;
    case 8:
      return '';
    default:
      return `${pad}${a}(${w}, ${pick(random, WORDS)}, { signal, timeoutMs: ${Math.floor(random() * 60) * 1000} });`;
  }
}

/** A source file of `lines` lines: imports, then functions of a dozen lines or so. */
function sourceFile(random: () => number, lines: number): string {
  const out = [`import type { ${pick(random, ['IREvent', 'Usage', 'SseEvent', 'IRRequest'])} } from '../ir.js';`];
  out.push(`import { ${pick(random, IDENTS)} } from './${pick(random, WORDS)}.js';`, '');
  while (out.length < lines) {
    out.push('/**', ` * ${pick(random, IDENTS)}: turns each ${pick(random, WORDS)} into a ${pick(random, WORDS)} the client reads.`, ' */');
    out.push(`export function ${pick(random, IDENTS)}${out.length}(${pick(random, WORDS)}: ${pick(random, TYPES)}): ${pick(random, TYPES)} {`);
    const body = 4 + Math.floor(random() * 12);
    for (let i = 0; i < body; i++) out.push(codeLine(random, 1 + (i % 3 === 2 ? 1 : 0)));
    out.push('}', '');
  }
  return out.slice(0, lines).join('\n');
}

/** Lines numbered as `cat -n` numbers them (the way Read returns a file). */
function catN(text: string, first: number): string {
  return text
    .split('\n')
    .map((line, i) => `${String(first + i).padStart(6)}\t${line}`)
    .join('\n');
}

function grepHits(random: () => number, word: string): string {
  const hits: string[] = [];
  for (let i = 0, n = 4 + Math.floor(random() * 10); i < n; i++)
    hits.push(`${pick(random, FILES).replace('/repo/', '/repo/')}:${1 + Math.floor(random() * 300)}:${codeLine(random, 1).replace(/^\s+/, '  ')} ${word}(x)`);
  return hits.join('\n');
}

function testOutput(random: () => number, file: string, failing: boolean): string {
  const name = file.replace('/repo/', '');
  const cases = 3 + Math.floor(random() * 8);
  const lines = ['', ` RUN  v3.2.4 /repo`, ''];
  if (failing) {
    lines.push(
      ` ❯ ${name} (${cases} tests | 1 failed) ${Math.floor(random() * 900)}ms`,
      `   × keeps the usage chunk that follows finish_reason ${Math.floor(random() * 40)}ms`,
      '     → expected [ …(3) ] to deeply equal [ …(4) ]',
      '',
      '⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯',
      '',
      `AssertionError: expected [ …(3) ] to deeply equal [ …(4) ]`,
      '- Expected',
      '+ Received',
      '',
      '@@ -12,6 +12,2 @@',
      '-   "usage": {',
      '-     "input_tokens": 12,',
      '-     "output_tokens": 50,',
      '-   },',
      '',
      ` ❯ ${name}:${20 + Math.floor(random() * 200)}:${5 + Math.floor(random() * 30)}`,
      '',
      ` Test Files  1 failed (1)`,
      `      Tests  1 failed | ${cases - 1} passed (${cases})`,
    );
  } else {
    lines.push(` ✓ ${name} (${cases} tests) ${Math.floor(random() * 900)}ms`, '', ' Test Files  1 passed (1)', `      Tests  ${cases} passed (${cases})`);
  }
  lines.push(`   Start at  16:${String(10 + Math.floor(random() * 49)).padStart(2, '0')}:0${Math.floor(random() * 9)}`, `   Duration  ${(1 + random() * 3).toFixed(2)}s`);
  // The characters above that are not ASCII are the ones vitest prints; they make the body's byte count differ from its length, as real output does.
  return lines.join('\n');
}

function thought(random: () => number, file: string): string {
  const sentences = [
    `The stream decoder in ${file.replace('/repo/', '')} returns the finish as soon as finish_reason arrives.`,
    'OpenAI sends the usage in a chunk of its own with empty choices, after the finish and before [DONE].',
    'If the encoder closes the message on the finish, the usage has nowhere to go.',
    'So the finish has to wait until the stream ends or the usage chunk arrives, whichever comes first.',
    'I should check that a stream without include_usage still finishes when [DONE] comes.',
    'The recorder reads the usage from the final event, so the fix must keep it on that event.',
    'There is a test for the pass-through case but none for the translated one.',
  ];
  const out: string[] = [];
  for (let i = 0, n = 3 + Math.floor(random() * 5); i < n; i++) out.push(pick(random, sentences));
  return out.join(' ');
}

function projectNotes(): string {
  return [
    '# Working on this repository',
    '',
    '- TypeScript, Node 20, ESM. Run `npx tsc --noEmit` and the tests a change touches before committing.',
    '- Small files with one job each; comments say why, not what.',
    '- Tests: vitest; integration tests start real servers on random ports. Never weaken a test to make it pass.',
    '- The translate layer converts every protocol to the IR and back; a codec knows nothing about HTTP.',
    '- Usage is read from the response body, so upstream requests ask for uncompressed bodies.',
    '- Commit messages describe the change and why, in full sentences.',
  ].join('\n');
}

function systemPrompt(random: () => number): string {
  const commits = Array.from({ length: 5 }, () => `${hex(random, 7)} ${pick(random, TODOS)}`).join('\n');
  return [
    'You help users with software engineering tasks. Use the instructions below and the tools available to you.',
    '',
    'Never help with code that is clearly meant to harm. Never guess URLs: only use ones the user gave or that appear in local files.',
    '',
    '# Tone and style',
    'Be concise, direct and to the point. Your output is shown in a terminal in monospace markdown. Answer in fewer than four lines unless the user asks for detail; no preamble or postamble such as "Here is what I will do" or "The answer is". Explain a non-trivial shell command before running it. Do not use emojis unless asked.',
    '',
    '# Proactiveness',
    'Do what the user asked, including the obvious follow-ups, but do not surprise them with actions they did not ask for. If they ask how to approach something, answer the question first rather than starting work.',
    '',
    '# Following conventions',
    'Before changing a file, understand its conventions: imitate its style, use the libraries and utilities it already uses, follow its patterns. Never assume a library is available: check package.json or the neighbouring files first. When creating a component, look at existing ones. Follow security best practices; never log or commit secrets.',
    '',
    '# Task management',
    'Use the TodoWrite tool often to plan and track tasks, and to show the user your progress. Mark todos completed as soon as each is done.',
    '',
    '# Doing tasks',
    '- Plan with TodoWrite when the task has several steps.',
    '- Search the codebase to understand it, in parallel and broadly at first.',
    '- Implement the solution with the tools available.',
    '- Verify it with the tests; find the test command in the README or the package scripts rather than assuming one.',
    '- Run the lint and type-check commands when you are done; if you cannot find them, ask and suggest writing them to CLAUDE.md.',
    '- Never commit unless the user asks you to.',
    '',
    '# Tool usage policy',
    '- Prefer Task for open-ended searches, to save context.',
    '- When several independent pieces of information are needed, make all the tool calls in one message: they run in parallel.',
    '- When WebFetch reports a redirect, fetch the new URL at once.',
    '',
    '# Code references',
    'When you mention a function or a place in the code, write it as `file_path:line_number` so the user can jump to it.',
    '',
    'Here is useful information about the environment you are running in:',
    '<env>',
    'Working directory: /repo',
    'Is directory a git repo: Yes',
    'Platform: linux',
    'OS Version: Linux 6.1.0-18-amd64',
    "Today's date: 2026-12-06",
    '</env>',
    'You are powered by the model named Bench Model.',
    '',
    'gitStatus: This is the git status at the start of the conversation. It is a snapshot and will not update during the conversation.',
    'Current branch: fix-late-usage',
    '',
    'Main branch (you will usually use this for PRs): main',
    '',
    'Status:',
    ...FILES.slice(0, 4).map((f) => ` M ${f.replace('/repo/', '')}`),
    '',
    'Recent commits:',
    commits,
  ].join('\n');
}

/** Cuts `text` so that its JSON-escaped form (without the quotes) is at most `bytes` long, and as close to it as it gets. */
function cutToEscapedLength(text: string, bytes: number): string {
  const escaped = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;
  let [lo, hi] = [0, text.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (escaped(text.slice(0, mid)) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}

/** A small seeded PRNG, so every run builds the same body. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const fromAlphabet = (random: () => number, alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const hex = (random: () => number, n: number) => fromAlphabet(random, '0123456789abcdef', n);
const uuid = (random: () => number) => `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const toolId = (random: () => number) => `toolu_01${fromAlphabet(random, BASE62, 22)}`;
/** Thinking signatures are opaque base64, a few hundred characters. */
const signature = (random: () => number) => `Eq${fromAlphabet(random, `${BASE62}+/`, 300 + Math.floor(random() * 400))}==`;
