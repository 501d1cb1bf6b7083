import { GatewayError } from '../../protocols/errors.js';

/**
 * Request validation shared by the OpenAI Chat, OpenAI Responses and Gemini
 * decoders: a 400 that names the offending field of the client's body, in the
 * `path: message` form. (Anthropic's decoder keeps its own, in Anthropic's wording.)
 */
export function badRequest(path: string, message: string): GatewayError {
  return new GatewayError('SB_ERR_BAD_REQUEST', `${path}: ${message}`, path);
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw badRequest(path, value === undefined ? 'is required' : 'must be a string');
  return value;
}

/** A field that may be absent or null (both mean "not set"). */
export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(path, 'must be a string');
  return value;
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(path, 'must be a number');
  return value;
}

export function optionalInteger(value: unknown, path: string): number | undefined {
  const n = optionalNumber(value, path);
  if (n !== undefined && !Number.isInteger(n)) throw badRequest(path, 'must be an integer');
  return n;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(path, 'must be a boolean');
  return value;
}
