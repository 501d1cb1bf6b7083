import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { mayAskFor } from '../routing/aliases.js';
import type { Snapshot } from '../routing/catalog.js';
import { kindOf } from '../routing/model-kind.js';
import { MODEL_KINDS, type ModelKind } from '../config/schema.js';
import { identifyClient } from './identify.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import type { ErrorShape } from '../protocols/protocol.js';
import { codexCatalog } from './codex-models.js';

/** Unix seconds the gateway reports as a model's creation time (it has no better figure). */
const CREATED = 1_700_000_000;

/** The protocols with a model list of their own (rerank clients list models the OpenAI way). */
type ListProtocol = Extract<ErrorShape, 'openai' | 'anthropic' | 'gemini'>;

/** A model list's shape: a protocol's own, or the Codex CLI's catalogue (`codex-models.ts`). */
export type ListShape = ListProtocol | 'codex';

/**
 * Which kinds each list shows (docs/aliases.md, "Model kinds"): OpenAI's
 * list has every kind, as OpenAI's own does (narrowed by `?kind=`); the
 * lists coding agents pick a model from (Claude Code's Anthropic list, the
 * Codex catalogue) have chat models only; Gemini's has chat and embedding
 * models, told apart by `supportedGenerationMethods` as Gemini's own is.
 */
const KINDS_SHOWN: Record<ListShape, readonly ModelKind[]> = {
  openai: MODEL_KINDS,
  anthropic: ['chat'],
  codex: ['chat'],
  gemini: ['chat', 'embedding'],
};

/**
 * The models a key may use, declared or listed by an upstream, and the
 * aliases it may use that are `listed`, in the client's own list shape:
 * OpenAI's, Anthropic's (Claude Code and the Anthropic SDKs), Gemini's
 * (`/v1beta/models`, or a Gemini API key header), or the Codex CLI's
 * catalogue; each with the kinds it shows.
 */
export async function listModels(c: Context, ctx: DataPlaneDeps, listShape: ListShape, one?: string): Promise<Response> {
  // A Codex client asking for one model, and every error, get OpenAI's shape.
  const shape: ListProtocol = listShape === 'codex' ? 'openai' : listShape;
  try {
    const snapshot = ctx.catalog.current();
    const key = await identifyClient(c, ctx, snapshot);
    const usable = [...new Set([...snapshot.models.keys(), ...snapshot.listedModels.keys(), ...snapshot.aliases.keys(), ...snapshot.routers.keys()])]
      .filter((id) => mayAskFor(key, snapshot, id))
      .sort();
    if (one !== undefined) {
      // Any model the key may ask for is found by its id, whatever list it would be in (an unlisted alias too).
      const id = one.replace(/^models\//, '');
      if (!usable.includes(id)) throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${id} does not exist`, 'model');
      return c.json(describe(shape, id, kindOf(snapshot, id)));
    }
    const kinds = listShape === 'openai' ? kindsAsked(c.req.query('kind')) : KINDS_SHOWN[listShape];
    const ids = usable.filter((id) => isListed(snapshot, id) && kinds.includes(kindOf(snapshot, id)));
    if (listShape === 'codex') return c.json(codexCatalog(ids));
    switch (shape) {
      case 'anthropic':
        // https://docs.anthropic.com/en/api/models-list
        return c.json({ data: ids.map((id) => describe(shape, id, kindOf(snapshot, id))), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
      case 'gemini':
        // https://ai.google.dev/api/models#method:-models.list
        return c.json({ models: ids.map((id) => describe(shape, id, kindOf(snapshot, id))) });
      case 'openai':
        // https://platform.openai.com/docs/api-reference/models/list
        return c.json({ object: 'list', data: ids.map((id) => describe(shape, id, kindOf(snapshot, id))) });
      default:
        return shape satisfies never;
    }
  } catch (err) {
    const gatewayError = err instanceof GatewayError ? err : new GatewayError('SB_ERR_INTERNAL', String(err));
    const { status, body } = encodeError(shape, gatewayError);
    return c.json(body, status as 400);
  }
}

/**
 * `?kind=chat,embedding` on OpenAI's list (a Switchboard extension): the
 * kinds to show; absent, every kind. An unknown name is a 400 naming `kind`.
 */
function kindsAsked(query: string | undefined): readonly ModelKind[] {
  if (query === undefined || query.trim() === '') return MODEL_KINDS;
  const asked = query.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const unknown = asked.filter((k) => !(MODEL_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new GatewayError('SB_ERR_BAD_REQUEST', `kind: unknown kind ${unknown.join(', ')}; kinds are ${MODEL_KINDS.join(', ')}`, 'kind');
  return asked as ModelKind[];
}

/**
 * The methods Gemini lists for a model of each kind: what a client may call
 * on it (an embedding model only `embedContent`, so a chat picker that keeps
 * `generateContent` models leaves it out).
 * @see https://ai.google.dev/api/models#Model
 */
function geminiMethods(kind: ModelKind): string[] {
  return kind === 'embedding' ? ['embedContent'] : ['generateContent', 'streamGenerateContent', 'countTokens'];
}

function describe(shape: ListProtocol, id: string, kind: ModelKind): unknown {
  switch (shape) {
    case 'anthropic':
      return { type: 'model', id, display_name: id, created_at: new Date(CREATED * 1000).toISOString() };
    case 'gemini':
      return { name: `models/${id}`, displayName: id, supportedGenerationMethods: geminiMethods(kind) };
    case 'openai':
      return { id, object: 'model', created: CREATED, owned_by: 'switchboard' };
    default:
      return shape satisfies never;
  }
}

/**
 * Which list shape a `GET /v1/models` caller wants, from the headers its
 * client sends: the Anthropic SDKs send `anthropic-version`, and Claude Code
 * names itself `claude-cli/<version>` in User-Agent; the Codex CLI sends
 * `originator: codex_cli_rs` (or another `codex…` originator) and a
 * User-Agent starting `<originator>/<version>`
 * (https://github.com/openai/codex/blob/main/codex-rs/core/src/default_client.rs);
 * Gemini SDKs send `x-goog-api-key` or `?key=`.
 */
export function modelsShapeOf(c: Context): ListShape {
  const agent = (c.req.header('user-agent') ?? '').toLowerCase();
  if (c.req.header('anthropic-version') || agent.startsWith('claude-cli/')) return 'anthropic';
  if ((c.req.header('originator') ?? '').toLowerCase().startsWith('codex') || /^codex[\w-]*\//.test(agent)) return 'codex';
  if (c.req.header('x-goog-api-key') || c.req.query('key')) return 'gemini';
  return 'openai';
}

/** Aliases and routers are in the lists unless they say otherwise (`listed: false`); any model is. */
function isListed(snapshot: Snapshot, id: string): boolean {
  return snapshot.aliases.get(id)?.listed !== false && snapshot.routers.get(id)?.record.listed !== false;
}
