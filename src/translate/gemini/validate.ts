import { isRecord } from '../shared/json.js';
import { badRequest } from '../shared/validate.js';

/** Object and array fields of the client's Gemini body (the scalar checks are in ../shared/validate.ts). */
export function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw badRequest(path, value === undefined ? 'is required' : 'must be an object');
  return value;
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw badRequest(path, value === undefined ? 'is required' : 'must be an array');
  return value;
}

export function optionalRecord(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest(path, 'must be an object');
  return value;
}
