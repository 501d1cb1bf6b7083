import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { interpolateEnv } from './interpolate.js';
import { formatPath } from '../protocols/format-path.js';
import { aliasProblems } from './alias-checks.js';
import { routerProblems } from './router-checks.js';

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Default base URLs per upstream kind, used when a config leaves `baseUrl` out. */
export const DEFAULT_BASE_URL: Record<string, string | undefined> = {
  // https://platform.openai.com/docs/api-reference
  openai: 'https://api.openai.com/v1',
  // https://docs.anthropic.com/en/api/messages
  anthropic: 'https://api.anthropic.com',
  // https://ai.google.dev/api/generate-content
  gemini: 'https://generativelanguage.googleapis.com',
  // Azure has no default: each resource has its own endpoint (https://NAME.openai.azure.com).
  // The Copilot API; the token exchange may name another (providers/copilot/constants.ts).
  copilot: 'https://api.githubcopilot.com',
  // The ChatGPT backend the Codex CLI talks to (providers/codex/constants.ts).
  codex: 'https://chatgpt.com/backend-api/codex',
  // A local `ollama serve` (providers/ollama.ts); Ollama's cloud is https://ollama.com.
  ollama: 'http://127.0.0.1:11434',
  // A Claude subscription is served by the Anthropic API itself (providers/claude-code/constants.ts).
  'claude-code': 'https://api.anthropic.com',
  // Rerank vendors (providers/rerank-vendors.ts): https://docs.cohere.com/v2/reference/rerank,
  // https://jina.ai/reranker/ (https://api.jina.ai/v1/rerank), https://docs.voyageai.com/reference/reranker-api.
  cohere: 'https://api.cohere.com',
  jina: 'https://api.jina.ai/v1',
  voyage: 'https://api.voyageai.com/v1',
};

/**
 * Kinds whose credentials usually come from a login (admin API or CLI), and
 * kinds that may have none (a local Ollama server), so the file may list none.
 */
const NO_CREDENTIAL_NEEDED = new Set(['copilot', 'codex', 'claude-code', 'ollama', 'mock']);


export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/**
 * Parses and validates config text: YAML, `${ENV}` interpolation, the zod
 * schema, then the checks across sections (unique ids, routes naming known
 * upstreams). Returns every problem found, each as `path: message`.
 */
export function loadConfig(text: string, env: Record<string, string | undefined>): ConfigResult {
  let parsedYaml: unknown;
  try {
    parsedYaml = parseYaml(text) ?? {};
  } catch (err) {
    const message = err instanceof YAMLParseError ? err.message : String(err);
    return { ok: false, problems: [`yaml: ${message}`] };
  }
  const { value: raw, missing: problems } = interpolateEnv(parsedYaml, env);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: [...problems, ...formatIssues(parsed.error)] };
  const config = parsed.data;
  problems.push(...crossCheck(config));
  if (problems.length > 0) return { ok: false, problems };
  for (const upstream of config.upstreams) upstream.baseUrl ??= DEFAULT_BASE_URL[upstream.kind];
  return { ok: true, config };
}

function crossCheck(config: Config): string[] {
  const problems: string[] = [];
  const upstreamIds = new Set<string>();
  config.upstreams.forEach((u, i) => {
    if (upstreamIds.has(u.id)) problems.push(`upstreams[${i}].id: duplicate id ${u.id}`);
    upstreamIds.add(u.id);
    if (!NO_CREDENTIAL_NEEDED.has(u.kind) && u.credentials.length === 0)
      problems.push(`upstreams[${i}].credentials: needs at least one credential`);
  });
  const modelIds = new Set<string>();
  config.models.forEach((m, i) => {
    if (modelIds.has(m.id)) problems.push(`models[${i}].id: duplicate id ${m.id}`);
    modelIds.add(m.id);
    m.routes.forEach((r, j) => {
      if (!upstreamIds.has(r.upstream))
        problems.push(`models[${i}].routes[${j}].upstream: no upstream with id ${r.upstream}`);
    });
  });
  for (const { path, message } of aliasProblems(config.aliases, modelIds)) problems.push(`${path}: ${message}`);
  const aliasIds = new Set(config.aliases.map((a) => a.id));
  for (const { path, message } of routerProblems(config.routers, modelIds, aliasIds)) problems.push(`${path}: ${message}`);
  const keyNames = new Set<string>();
  config.keys.forEach((k, i) => {
    if (keyNames.has(k.name)) problems.push(`keys[${i}].name: duplicate name ${k.name}`);
    keyNames.add(k.name);
  });
  return problems;
}
