import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogLevel, Runtime } from '../../runtime/runtime.js';
import type { RequestObserver, RequestWatch } from '../../telemetry/observer.js';

/** What the process log knows about the request it is called inside. */
interface RequestScope {
  requestId?: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs one HTTP request (or WebSocket turn) in a scope of its own, so lines logged while it runs carry its id. */
export function inRequestScope<T>(handle: () => T): T {
  return scope.run({}, handle);
}

const IDLE: RequestWatch = { attempt() {}, firstByte() {}, finish() {} };

/**
 * Names the request in its scope as soon as the exchange gives it an id (the
 * log row's, which the client gets as `x-request-id`): from then on every
 * line logged inside that request, by any part of the gateway, carries it.
 */
export const requestIdForLogs: RequestObserver = {
  start(row) {
    const current = scope.getStore();
    if (current) current.requestId = row.id;
    return IDLE;
  },
};

/**
 * The process log: `text` writes each message as it is (for a terminal);
 * `json` writes one JSON object a line, with the time, the level, the
 * message and, inside a request, its `requestId`.
 */
export function createProcessLog(format: 'text' | 'json', write: (line: string) => void, now: () => number = Date.now): Runtime['log'] {
  if (format === 'text') return (message) => write(message);
  return (message: string, level: LogLevel = 'info') => {
    const requestId = scope.getStore()?.requestId;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, message, ...(requestId ? { requestId } : {}) }));
  };
}
