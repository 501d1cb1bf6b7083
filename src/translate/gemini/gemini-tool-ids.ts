/**
 * Gemini function calls may come without ids (older models never send one),
 * while the IR and the other protocols pair a call and its result by id. The
 * codec gives such calls deterministic ids with this prefix and, when it sees
 * one of them again, sends the call or result to Gemini without an id, as
 * Gemini produced it.
 */
export const SYNTHETIC_ID_PREFIX = 'call_gemini_';

export function isSyntheticId(id: string): boolean {
  return id.startsWith(SYNTHETIC_ID_PREFIX);
}

/** The id of the `index`-th function call in a request's contents. */
export function requestCallId(index: number): string {
  return `${SYNTHETIC_ID_PREFIX}${index}`;
}

/** The id of the `index`-th function call of one answer, unique per answer when it has a `responseId`. */
export function responseCallId(responseId: string | undefined, index: number): string {
  const scope = (responseId ?? '').replace(/[^A-Za-z0-9]/g, '');
  return scope ? `${SYNTHETIC_ID_PREFIX}${scope}_${index}` : `${SYNTHETIC_ID_PREFIX}r_${index}`;
}
