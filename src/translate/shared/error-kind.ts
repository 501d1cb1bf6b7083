import type { IRErrorKind } from '../ir.js';

/**
 * An upstream's HTTP error status -> IR error kind: the fallback every codec
 * uses after its own vendor-specific checks (error codes, types, messages).
 * Any other status below 500 is an invalid request, 500 and above a server error.
 */
export function errorKindFromStatus(status: number): IRErrorKind {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
      return 'not-found';
    case 408:
    case 504:
      return 'timeout';
    case 413:
      return 'request-too-large';
    case 429:
      return 'rate-limit';
    case 503:
    case 529:
      return 'overloaded';
    default:
      return status >= 500 ? 'server' : 'invalid-request';
  }
}

const STATUS_OF_KIND: Record<IRErrorKind, number> = {
  'invalid-request': 400,
  'context-length': 400,
  authentication: 401,
  permission: 403,
  'not-found': 404,
  'request-too-large': 413,
  'rate-limit': 429,
  overloaded: 503,
  timeout: 504,
  server: 500,
};

/** IR error kind -> the HTTP status that stands for it when no upstream status is known. */
export function statusFromErrorKind(kind: IRErrorKind): number {
  return STATUS_OF_KIND[kind];
}
