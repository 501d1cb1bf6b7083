import type { MiddlewareHandler } from 'hono';
import type { GatewayContext } from '../gateway/context.js';
import { errorBody } from './errors.js';

/**
 * Guards the control plane: `Authorization: Bearer <admin key>`. Both sides
 * are hashed with SHA-256 and the digests compared byte by byte without an
 * early exit, so the time taken says nothing about how much of the key was
 * right (nor its length). WebCrypto only, so it runs on Workers too.
 */
export function requireAdminKey(ctx: GatewayContext): MiddlewareHandler {
  let expected: Promise<Uint8Array> | undefined;
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) return deny(c, 'missing admin key: send it as Authorization: Bearer <admin key>', 'missing_admin_key');
    expected ??= sha256(ctx.adminKey);
    const ok = ctx.adminKey.length > 0 && sameBytes(await sha256(match[1]), await expected);
    if (!ok) return deny(c, 'invalid admin key', 'invalid_admin_key');
    await next();
  };
}

function deny(c: Parameters<MiddlewareHandler>[0], message: string, code: string): Response {
  c.header('WWW-Authenticate', 'Bearer realm="switchboard-admin"');
  return c.json(errorBody(401, message, null, code), 401);
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (b[i] ?? 0);
  return diff === 0;
}
