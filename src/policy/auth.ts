import { GatewayError } from '../protocols/errors.js';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../protocols/json-limits.js';
import type { KeyRecord } from '../store/types.js';
import { extractClientKey, memoizedKeyHasher } from './keys.js';

const hashKey = memoizedKeyHasher();

/**
 * Finds the request's client key by its hash: in the in-memory snapshot, or
 * for a key the snapshot does not hold yet, in the Store (Catalog.findKey).
 */
export async function authenticate(
  findKey: (hash: string) => KeyRecord | undefined | Promise<KeyRecord | undefined>,
  headers: Headers,
  queryKey?: string,
  /** The URL held a `?key=` where only headers are read (any API but Gemini's): said in the refusal. */
  keyInUrlIgnored = false,
): Promise<KeyRecord> {
  const presented = extractClientKey(headers, queryKey);
  if (!presented && keyInUrlIgnored)
    throw new GatewayError('SB_ERR_UNAUTHORIZED', 'an API key in the URL (?key=) is accepted only on Gemini paths: send it as Authorization: Bearer <key> or x-api-key');
  if (!presented) throw new GatewayError('SB_ERR_UNAUTHORIZED', 'missing API key: send it as Authorization: Bearer <key> or x-api-key');
  const key = await findKey(await hashKey(presented));
  if (!key) throw new GatewayError('SB_ERR_UNAUTHORIZED', 'invalid API key');
  if (key.revokedAt !== null) throw new GatewayError('SB_ERR_UNAUTHORIZED', 'this API key has been revoked');
  return key;
}

export function mayUseModel(key: KeyRecord, model: string): boolean {
  return key.models === null || key.models.includes(model);
}

/**
 * The group a request is counted under: the key's own, or a narrower one the
 * client names in `x-switchboard-group` (`<key group>/<sub>`).
 */
export function requestGroup(key: KeyRecord, header: string | undefined): string {
  if (!header) return key.group;
  const wanted = header.trim();
  if (wanted === key.group || wanted.startsWith(`${key.group}/`)) return wanted;
  throw new GatewayError(
    'SB_ERR_FORBIDDEN',
    `x-switchboard-group: this key belongs to group "${key.group}"; a request may only narrow it to "${key.group}/…"`,
    'x-switchboard-group',
  );
}

/** `x-switchboard-metadata`: a JSON object stored with the request's log row. */
export function requestMetadata(header: string | undefined): Record<string, unknown> | null {
  if (!header) return null;
  // Checked before parsing: the row stores the object, and writing it walks it.
  if (header.length > 4096)
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'x-switchboard-metadata: must be at most 4096 characters', 'x-switchboard-metadata');
  if (jsonShapeProblem(header))
    throw new GatewayError('SB_ERR_BAD_REQUEST', `x-switchboard-metadata: must not nest more than ${MAX_JSON_DEPTH} levels deep`, 'x-switchboard-metadata');
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'x-switchboard-metadata: must be a JSON object', 'x-switchboard-metadata');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'x-switchboard-metadata: must be a JSON object', 'x-switchboard-metadata');
  return parsed as Record<string, unknown>;
}
