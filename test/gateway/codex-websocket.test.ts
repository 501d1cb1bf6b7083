import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeAnthropic, startFakeOpenAI, FAKE_USAGE, type FakeUpstream } from '../fakes/index.js';
import { FAKE_RESPONSES_USAGE } from '../fakes/openai-responses.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// The Codex CLI itself, headless (`codex exec`), on a custom provider that says it speaks Responses over
// WebSockets (`supports_websockets = true`): its turns go over GET /v1/responses, and the gateway answers them
// on a Responses upstream (pass-through) and on an Anthropic one (translated).
// The binary: the project's own (`@openai/codex` in devDependencies), or CODEX_BIN.
const CODEX = process.env.CODEX_BIN ?? resolve('node_modules/.bin/codex');
const haveCodex = existsSync(CODEX);

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  if (!haveCodex) return;
  oai = await startFakeOpenAI();
  ant = await startFakeAnthropic();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai-responses', kind: 'openai', speaks: ['responses'], baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
      ],
      models: [
        { id: 'gpt-ws', routes: [{ upstream: 'oai-responses', model: 'gpt-upstream' }] },
        { id: 'claude-ws', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
  await ant?.close();
});

/** Runs `codex exec` with a private HOME and CODEX_HOME whose config.toml points at the gateway. */
function codexExec(model: string, prompt: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'switchboard-codex-'));
  mkdirSync(join(home, '.codex'));
  // Keys from codex-rs model_provider_info.rs: a Responses provider with its key in an env var, over WebSockets.
  writeFileSync(
    join(home, '.codex', 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "switchboard"',
      '[model_providers.switchboard]',
      'name = "switchboard"',
      `base_url = "${gw.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "SWITCHBOARD_KEY"',
      'supports_websockets = true',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  const work = join(home, 'work');
  mkdirSync(work);
  return new Promise((done) => {
    const child = spawn(CODEX, ['exec', '--skip-git-repo-check', prompt], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: join(home, '.codex'), SWITCHBOARD_KEY: TEST_KEY, RUST_LOG: 'codex_api=info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** What each fake reports for every answer: input tokens (cached included) and output tokens. */
const USAGE = {
  'oai-responses': { input: FAKE_RESPONSES_USAGE.input_tokens, output: FAKE_RESPONSES_USAGE.output_tokens },
  ant: {
    input: FAKE_USAGE.anthropic.messages.input_tokens + FAKE_USAGE.anthropic.messages.cache_read_input_tokens,
    output: FAKE_USAGE.anthropic.messages.output_tokens,
  },
};

describe.skipIf(!haveCodex)('the Codex CLI over the Responses WebSocket', () => {
  for (const [model, upstream] of [
    ['gpt-ws', 'oai-responses'],
    ['claude-ws', 'ant'],
  ] as const) {
    it(`answers through ${upstream} without falling back to HTTP, one row with tokens`, { timeout: 60_000 }, async () => {
      const run = await codexExec(model, `say hello to ${upstream}`);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`echo: say hello to ${upstream}`);
      // Codex connected over the socket and did not switch to HTTP.
      expect(run.stderr).toMatch(/connected to Responses WebSocket status=101/);
      expect(run.stderr).not.toMatch(/Falling back from WebSockets/);
      const row = await eventually(async () => {
        const found = (await logRows(gw)).find((r) => r.model === model);
        expect(found).toBeDefined();
        return found!;
      });
      expect(row).toMatchObject({ protocol: 'openai-responses', status: 200, outcome: 'ok', stream: true, upstreamId: upstream });
      const usage = USAGE[upstream];
      expect(row.inputTokens + row.cacheReadTokens).toBe(usage.input);
      expect(row.outputTokens).toBe(usage.output);
    });
  }
});
