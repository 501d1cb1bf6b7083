import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, stop } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';

// Each CLI run boots tsx in a new process: seconds each on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const CLEAN = { SWITCHBOARD_CONFIG: '' };
/** Every variable the starter of every provider reads. */
const ENV = {
  OPENAI_API_KEY: 'sk-test-openai',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  GEMINI_API_KEY: 'gemini-test',
  AZURE_OPENAI_ENDPOINT: 'https://example-resource.openai.azure.com',
  AZURE_OPENAI_API_KEY: 'azure-test',
  SWITCHBOARD_SECRET: 'init-test-secret-0123456789',
};

describe('switchboard init', () => {
  it('writes a starter for every provider named that passes config check once its variables are set', async () => {
    const dir = tempDir();
    const file = join(dir, 'conf', 'switchboard.yaml');
    const res = await runCli(['init', '--providers', 'openai,anthropic,gemini,azure,copilot,codex,claude-code,mock', '--file', file], CLEAN);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Wrote ${file}`);
    expect(res.stdout).toContain('set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, SWITCHBOARD_SECRET');
    expect(res.stdout).toContain(`switchboard upstream login copilot --upstream copilot --config ${file}`);
    expect(res.stdout).toContain(`switchboard upstream login claude-code --upstream claude-code --config ${file}`);

    const text = readFileSync(file, 'utf8');
    // Keys are placeholders, never values.
    expect(text).toContain('key: "${OPENAI_API_KEY}"');
    expect(text).toContain('secret: ${SWITCHBOARD_SECRET}');

    const checked = await runCli(['config', 'check', '--config', file], { ...CLEAN, ...ENV });
    expect(checked.stderr).not.toContain('not valid');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file}: OK (8 upstreams, 5 models, 1 keys)`);

    // Without the variables, the check names each one.
    const unset = await runCli(['config', 'check', '--config', file], CLEAN);
    expect(unset.code).toBe(1);
    for (const name of Object.keys(ENV)) expect(unset.stderr).toContain(`environment variable ${name} is not set`);
  });

  it('writes the rerank vendors, each with its key and a model', async () => {
    const file = join(tempDir(), 'switchboard.yaml');
    const res = await runCli(['init', '--providers', 'cohere,jina,voyage', '--file', file], CLEAN);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('set COHERE_API_KEY, JINA_API_KEY, VOYAGE_API_KEY, SWITCHBOARD_SECRET');
    const env = { COHERE_API_KEY: 'co-test', JINA_API_KEY: 'jina-test', VOYAGE_API_KEY: 'pa-test', SWITCHBOARD_SECRET: ENV.SWITCHBOARD_SECRET };
    const checked = await runCli(['config', 'check', '--config', file], { ...CLEAN, ...env });
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file}: OK (3 upstreams, 3 models, 1 keys)`);
  });

  it('never overwrites a file, and refuses providers it does not know', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchboard.yaml');
    writeFileSync(file, 'mine\n');
    const again = await runCli(['init', '--file', file], CLEAN);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists; not overwriting it`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');

    const other = join(dir, 'other.yaml');
    const unknown = await runCli(['init', '--providers', 'openai,bedrock', '--file', other], CLEAN);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--providers: unknown bedrock; choose from openai, anthropic, gemini, azure, copilot, codex, claude-code, ollama, cohere, jina, voyage, mock');
    expect(existsSync(other)).toBe(false);
  });

  it('writes ./switchboard.yaml by default, which the next commands find and `start` serves', async () => {
    const dir = tempDir();
    const res = await runCli(['init', '--providers', 'mock'], CLEAN, { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('SWITCHBOARD_SECRET'); // the mock holds no credentials: no secret asked for
    expect(existsSync(join(dir, 'switchboard.yaml'))).toBe(true);

    const gateway = await startCli(['--port', '0'], CLEAN, 30_000, { cwd: dir });
    try {
      expect(gateway.output()).toContain('switchboard: config switchboard.yaml (found in the working folder)');
      // The starter's key is generated at the first start and shown once.
      const key = /new key "me" \(shown once\): (sk-sb-\S+)/.exec(gateway.output())?.[1];
      expect(key).toBeDefined();
      const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(answer.status).toBe(200);
    } finally {
      await stop(gateway.child);
    }
    // The database went where the starter says, beside the file.
    expect(existsSync(join(dir, 'data', 'switchboard.db'))).toBe(true);
  });
});
