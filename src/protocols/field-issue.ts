import type { z } from 'zod';

/**
 * A zod issue in plain words for the client: what the field must be, and
 * what it is instead (`must be an array, not a string`), or that it is
 * missing. Zod does not carry the offending value in its issues, so it is
 * looked up in the body itself, which also tells a missing field from one of
 * the wrong type.
 */
export function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return mustBe([issue.expected], value);
    case 'invalid_union': {
      const expected = issue.errors.flatMap((errors) => errors.flatMap((e) => (e.code === 'invalid_type' && e.path.length === 0 ? [e.expected] : [])));
      return expected.length > 0 ? mustBe(expected, value) : issue.message;
    }
    case 'too_small':
      return `must ${bound(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum, value)}`;
    case 'too_big':
      return `must ${bound(issue.origin, issue.inclusive ? 'at most' : 'less than', issue.maximum, value)}`;
    default:
      return issue.message;
  }
}

function mustBe(expected: readonly string[], value: unknown): string {
  const wanted = [...new Set(expected.map(noun))].join(' or ');
  return value === undefined ? `is required (${wanted})` : `must be ${wanted}, not ${describe(value)}`;
}

function noun(type: string): string {
  const names: Record<string, string> = { int: 'an integer', array: 'an array', object: 'an object', string: 'a string', number: 'a number', boolean: 'a boolean' };
  return names[type] ?? type;
}

function bound(origin: string, relation: string, limit: number | bigint, value: unknown): string {
  switch (origin) {
    case 'array':
      return limit === 1 && relation === 'at least' ? 'not be empty' : `have ${relation} ${limit} items`;
    case 'string':
      return limit === 1 && relation === 'at least' ? 'not be empty' : `have ${relation} ${limit} characters`;
    default:
      return `be ${relation} ${limit}, not ${describe(value)}`;
  }
}

/** A short picture of a JSON value for an error message (never the value itself when it is long). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      // JSON has no Infinity: a number too large for a double (`1e400`) parses as one.
      return Number.isFinite(value) ? String(value) : 'a number out of range';
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let at = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
