import type { Context } from 'hono';
import type { z } from 'zod';
import { formatPath } from '../protocols/format-path.js';
import { MissingSecretError } from '../policy/secrets.js';

/**
 * Errors of the control plane, in OpenAI's shape
 * (`{"error":{"message","type","param","code"}}`) like the data plane, so one
 * client-side error reader serves both.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export type AdminStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500 | 501 | 503;

export class AdminError extends Error {
  constructor(
    readonly status: AdminStatus,
    message: string,
    readonly param: string | null,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function errorBody(status: AdminStatus, message: string, param: string | null, code: string): ErrorBody {
  const type =
    status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param, code } };
}

export function notFound(what: string, id: string, param: string | null = null): AdminError {
  return new AdminError(404, `no ${what} with id ${JSON.stringify(id)}`, param, 'not_found');
}

export function conflict(message: string, param: string | null, code = 'already_exists'): AdminError {
  return new AdminError(409, message, param, code);
}

/** A 400 whose message lists every problem as `path: message`; `param` is the first path. */
export function invalid(problems: { path: string; message: string }[], code: string): AdminError {
  const message = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new AdminError(400, message, problems[0]?.path ?? null, code);
}

/** Zod issues as `path: message` pairs; an unknown field is named by its own path, not its parent's. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** Reads and validates a JSON body; throws a 400 naming every bad field. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw invalid([{ path: 'body', message: 'must be a JSON object' }], 'invalid_body');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(describeIssues(parsed.error), 'invalid_body');
  return parsed.data;
}

/** Validates the query string; throws a 400 naming every bad parameter. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw invalid(describeIssues(parsed.error), 'invalid_query');
  return parsed.data;
}

/** The admin app's error handler: AdminErrors as they are, anything else as a logged 500. */
export function renderError(c: Context, err: Error, log: (message: string) => void): Response {
  if (err instanceof AdminError) return c.json(errorBody(err.status, err.message, err.param, err.code), err.status);
  // Any write that seals a credential (sign-in flows, config import) without a secret: the operator's to fix, not a crash.
  if (err instanceof MissingSecretError) return c.json(errorBody(400, err.message, null, 'secret_not_set'), 400);
  log(`admin: unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`);
  return c.json(errorBody(500, 'internal error', null, 'internal_error'), 500);
}
