/**
 * The admin API as the page uses it, signed in one of two ways: a user's
 * session, which lives in an HttpOnly cookie the page never sees (writes
 * carry the session's CSRF token in a header, kept in memory only), or the
 * admin key, which lives in sessionStorage (gone when the tab closes) and
 * travels only in the Authorization header, never in a URL. Every failure
 * becomes an ApiError with the API's own words.
 */

const KEY_STORAGE = 'switchboard.adminKey';
const BASE = '/admin/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const CSRF_HEADER = 'x-csrf-token';
/** The session's CSRF token (GET /session and the sign-in answer give it); null with the admin key. */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function savedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** Called when the API answers 401: the shell goes back to the login form. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as is (YAML or JSON text) instead of JSON-encoding `body`. */
  text?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  key?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const key = options.key ?? savedKey();
  const headers: Record<string, string> = { ...options.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  const method = options.method ?? 'GET';
  if (!key && csrfToken && method !== 'GET') headers[CSRF_HEADER] = csrfToken;
  let body: string | undefined;
  if (options.text !== undefined) {
    body = options.text;
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), { method, headers, body });
  } catch (err) {
    throw new ApiError(0, `The gateway did not answer (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (res.ok) return res;
  const error = await readError(res);
  if (res.status === 401 && options.key === undefined) onUnauthorized();
  throw error;
}

async function readError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; param?: string | null; code?: string | null } | string; message?: string };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    const detail = typeof parsed.error === 'object' ? parsed.error : undefined;
    if (message) return new ApiError(res.status, message, detail?.param ?? null, detail?.code ?? null);
  } catch {
    // Not JSON: fall through to the status line.
  }
  const what = res.status === 404 ? 'this gateway has no such endpoint (is it older than the dashboard?)' : res.statusText || 'request failed';
  return new ApiError(res.status, `${res.status}: ${text.trim().slice(0, 300) || what}`);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  return (await res.json()) as T;
}

export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  return (await send(path, options)).text();
}

/** Fetches with the key in the header and hands the answer to the browser as a file download. */
export async function download(path: string, query: RequestOptions['query'], fallbackName: string): Promise<void> {
  const res = await send(path, { query });
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The API's message for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
