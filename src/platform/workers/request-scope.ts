import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext } from './bindings.js';

/**
 * The request (or cron event) a piece of work belongs to, so work deferred
 * deep in the core (`runtime.defer`) is kept alive by that request's own
 * `waitUntil`. Workers' AsyncLocalStorage (the `nodejs_als` compatibility
 * flag) follows promise chains and stream callbacks; an abort listener runs
 * outside any scope, so the request IO re-enters the scope it was registered
 * in (request-io.ts).
 */
export const requestScope = new AsyncLocalStorage<ExecutionContext>();
