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
 * The process log: `text` writes each message on one line (for a terminal);
 * `json` writes one JSON object a line, with the time, the level, the
 * message and, inside a request, its `requestId`. Either way one message is
 * one line: messages carry text from clients and upstreams (model names,
 * paths, error bodies), and a line break in it must not start a line that
 * reads as the gateway's own.
 */
export function createProcessLog(format: 'text' | 'json', write: (line: string) => void, now: () => number = Date.now): Runtime['log'] {
  if (format === 'text') return (message) => write(oneLine(message));
  return (message: string, level: LogLevel = 'info') => {
    const requestId = scope.getStore()?.requestId;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, message, ...(requestId ? { requestId } : {}) }));
  };
}

/** Line breaks and other control characters (terminal escapes included); the tab is kept, as it breaks no line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** The message with its control characters written as escapes (`\n`, `\u001b`), as JSON would: one line, nothing for a terminal to act on. */
export function oneLine(message: string): string {
  if (!CONTROL.test(message)) return message;
  return message.replace(CONTROLS, (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
