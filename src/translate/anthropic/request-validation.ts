import { formatPath } from '../../protocols/format-path.js';
import { GatewayError } from '../../protocols/errors.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';

/** A location in the client's body, rendered as `messages[0].content[1].text`. */
export type FieldPath = readonly (string | number)[];

/** Bad client input: a 400 naming the field, in Anthropic's own wording where it has one. */
export function fail(path: FieldPath, message: string): never {
  const field = formatPath(path);
  throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${message}`, field);
}

export function requireObject(value: unknown, path: FieldPath): WireObject {
  if (value === undefined) fail(path, 'Field required');
  if (!isRecord(value)) fail(path, 'Input should be a valid dictionary');
  return value;
}

export function requireString(value: unknown, path: FieldPath): string {
  if (value === undefined) fail(path, 'Field required');
  if (typeof value !== 'string') fail(path, 'Input should be a valid string');
  return value;
}

export function optionalString(value: unknown, path: FieldPath): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(value, path);
}

export function optionalNumber(value: unknown, path: FieldPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'Input should be a valid number');
  return value;
}

export function optionalInteger(value: unknown, path: FieldPath, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'Input should be a valid integer');
  if (value < min) fail(path, `Input should be greater than or equal to ${min}`);
  return value;
}

export function optionalBoolean(value: unknown, path: FieldPath): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(path, 'Input should be a valid boolean');
  return value;
}

export function requireArray(value: unknown, path: FieldPath): unknown[] {
  if (value === undefined) fail(path, 'Field required');
  if (!Array.isArray(value)) fail(path, 'Input should be a valid list');
  return value;
}
