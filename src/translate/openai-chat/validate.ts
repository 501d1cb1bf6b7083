import { isRecord } from '../shared/json.js';
import { badRequest } from '../shared/validate.js';

/**
 * An object field of the client's OpenAI Chat body. Unlike Gemini's, a
 * missing one is also reported as "must be an object".
 */
export function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw badRequest(path, 'must be an object');
  return value;
}
