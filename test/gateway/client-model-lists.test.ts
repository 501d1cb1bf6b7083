import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { installedAgents } from '../agents/agents.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// GET /v1/models in the shape each coding agent reads, told by the headers it sends.
let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gw = await startTestGateway({ openaiUrl: oai.url, anthropicUrl: ant.url });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close()]);
});

const models = (headers: Record<string, string>, query = '') => fetch(`${gw.url}/v1/models${query}`, { headers: { authorization: `Bearer ${TEST_KEY}`, ...headers } });

/** The headers of Codex CLI's own HTTP client (codex-rs/core/src/default_client.rs). */
const CODEX_HEADERS = { originator: 'codex_cli_rs', 'user-agent': 'codex_cli_rs/0.171.0 (Debian 12.0.0; x86_64) xterm-256color' };

describe('Claude Code gets the Anthropic list', () => {
  it('with the fields Claude Code reads, whether or not it sends anthropic-version', async () => {
    // Claude Code's own User-Agent, without the SDK's version header.
    const res = await models({ 'user-agent': 'claude-cli/2.1.332 (external, cli)', 'x-api-key': TEST_KEY });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBeUndefined();
    expect(body.has_more).toBe(false);
    expect(body.data.length).toBeGreaterThan(1);
    for (const m of body.data) {
      expect(m).toEqual({ type: 'model', id: expect.any(String), display_name: expect.any(String), created_at: expect.any(String) });
      expect(new Date(m.created_at).toISOString()).toBe(m.created_at);
    }
    expect(body.first_id).toBe(body.data[0].id);
    expect(body.last_id).toBe(body.data.at(-1).id);
    expect(body.data.map((m: { id: string }) => m.id)).toContain('claude-test');

    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of anthropic.models.list()) ids.push(m.id);
    expect(ids).toEqual(body.data.map((m: { id: string }) => m.id));
    expect((await anthropic.models.retrieve('claude-test')).type).toBe('model');
  });
});

describe('Codex CLI gets its own catalogue', () => {
  it('answers `{ models: [...] }` with every field Codex requires, by originator or User-Agent', async () => {
    const res = await models(CODEX_HEADERS, '?client_version=0.171.0');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['models']);
    const slugs = body.models.map((m: { slug: string }) => m.slug);
    expect(slugs).toEqual(expect.arrayContaining(['gpt-test', 'claude-test']));
    for (const [i, m] of body.models.entries()) {
      expect(m).toMatchObject({
        slug: expect.any(String),
        display_name: expect.any(String),
        supported_reasoning_levels: expect.arrayContaining([{ effort: 'medium', description: expect.any(String) }]),
        shell_type: expect.any(String),
        visibility: 'list',
        supported_in_api: true,
        priority: i,
        base_instructions: expect.any(String),
        supports_reasoning_summaries: false,
        support_verbosity: false,
        truncation_policy: { mode: 'bytes', limit: expect.any(Number) },
        supports_parallel_tool_calls: false,
        experimental_supported_tools: [],
      });
    }
    // `codex exec` and other Codex front ends: the originator names them, the User-Agent starts with it.
    const exec = await models({ 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb' });
    expect((await exec.json()).models.map((m: { slug: string }) => m.slug)).toEqual(slugs);

    // Everyone else keeps OpenAI's list, which also has the models Codex cannot chat with (embeddings).
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const listed: string[] = [];
    for await (const m of openai.models.list()) listed.push(m.id);
    expect(slugs).not.toContain('embed-test');
    expect(listed).toEqual([...slugs, 'embed-test'].sort());
  });

  it('is a catalogue the real Codex CLI accepts', async () => {
    const codex = installedAgents().find((a) => a.name === 'codex');
    if (!codex) throw new Error('the Codex CLI devDependency is missing');
    const home = mkdtempSync(join(tmpdir(), 'switchboard-codex-'));
    const file = join(home, 'models.json');
    writeFileSync(file, await (await models(CODEX_HEADERS)).text());
    // Codex refuses a whole catalogue when one entry lacks a field it needs; this lists ours instead.
    const { stdout } = await promisify(execFile)(codex.command, [...codex.prefix, 'debug', 'models', '-c', `model_catalog_json=${file}`], {
      env: { ...process.env, CODEX_HOME: home },
      timeout: 60_000,
    });
    const parsed = JSON.parse(stdout) as { models: { slug: string }[] };
    expect(parsed.models.map((m) => m.slug)).toEqual(expect.arrayContaining(['gpt-test', 'claude-test']));
  }, 90_000);
});
