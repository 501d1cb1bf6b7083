import { parse as parseYaml } from 'yaml';

/**
 * What the audit log keeps of an admin call's input: its query and body as
 * JSON, every secret masked and the whole cut to a few KB. Routes are not
 * described one by one (routes added later are summarised alike), so secrets
 * are found two ways: by the field's name (key, token, password, secret,
 * code, cookie, authorization, …) and by the look of the value (an API key's
 * prefix, a JWT, a bearer token, a URL carrying a password or a code). A
 * masked value is `***`, its length not kept.
 */

export const MASK = '***';
/** The summary's most characters; past it the body is described by its field names only. */
export const MAX_SUMMARY_CHARS = 4000;
/** A body larger than this is not parsed for its summary (its size is given instead). */
export const MAX_PARSED_BODY_CHARS = 1_000_000;
const MAX_STRING_CHARS = 200;
const MAX_ARRAY_ITEMS = 20;
const MAX_DEPTH = 4;

/**
 * Field names whose values are secrets, wherever they appear. Ends in `key`
 * (key, apiKey, adminKey, x-api-key) but not `keys` or `keyId`; a `state` and
 * `callback` of a sign-in flow carry the code to exchange.
 */
const SECRET_NAME =
  /(key$|secret|token|passw|passphrase|credential|authori[sz]ation|cookie|session|bearer|private|signature|^code$|verifier|^state$|^callback$|^current$|^csrf)/i;

/** Values that are secrets whatever their field is called. */
const SECRET_VALUE = [
  /^(sk|pk|rk)[-_]/i, // OpenAI, Anthropic and Stripe-like API keys, client keys (sk-sb-…)
  /^sb-admin/i, // an admin key
  /^(gh[opsur]|github_pat)_/i, // GitHub tokens
  /^(AIza|ya29\.)/, // Google API keys and OAuth tokens
  /^eyJ[\w-]+\.[\w-]+\./, // a JWT
  /^bearer\s/i,
  /[?&#](code|token|access_token|refresh_token|key|api_key|password|secret)=/i, // a URL carrying one
];

/** `scheme://user:password@host` keeps the scheme and host. */
const URL_USERINFO = /^([a-z][\w+.-]*:\/\/)[^/@\s]*@/i;

/** The masked, shortened form of a parsed body or query, as JSON text; null when there is nothing to keep. */
export function summarize(input: { query?: Record<string, string>; body?: unknown }): string | null {
  const parts: Record<string, unknown> = {};
  if (input.query && Object.keys(input.query).length > 0) parts.query = input.query;
  if (input.body !== undefined) parts.body = input.body;
  if (Object.keys(parts).length === 0) return null;
  const masked = shorten(mask(parts, ''), 0);
  const text = JSON.stringify(masked);
  if (text.length <= MAX_SUMMARY_CHARS) return text;
  // Too long even shortened (a whole config document): its outline only.
  const outline = JSON.stringify(shorten(masked, MAX_DEPTH - 2));
  if (outline.length <= MAX_SUMMARY_CHARS) return outline;
  return JSON.stringify({ truncated: true, chars: text.length });
}

/**
 * The body's text as the summary holds it: parsed when it is JSON, or YAML
 * sent as YAML or plain text (a config import) that parses to an object or a
 * list; else only its size and type, so no secret in text not understood can leak.
 */
export function bodyForSummary(text: string, contentType: string | undefined): unknown {
  if (text.length === 0) return undefined;
  const described = { bytes: new TextEncoder().encode(text).length, contentType: contentType ?? null };
  if (text.length > MAX_PARSED_BODY_CHARS) return described;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: YAML, perhaps.
  }
  // YAML only where it is sent as YAML (the config import takes it as YAML or plain text).
  if (!/yaml|text\/plain/i.test(contentType ?? '')) return described;
  try {
    const parsed: unknown = parseYaml(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : described;
  } catch {
    return described;
  }
}

/** A copy with every secret replaced by MASK. */
export function mask(value: unknown, name: string): unknown {
  if (name !== '' && SECRET_NAME.test(name)) return value === null || value === undefined || value === '' ? value : MASK;
  if (typeof value === 'string') return maskString(value);
  if (Array.isArray(value)) return value.map((item) => mask(item, ''));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}

/** A string with a secret anywhere in it (a word of it, or the whole: `Bearer …`) is masked whole. */
function maskString(text: string): string {
  const trimmed = text.trim();
  const words = trimmed.split(/\s+/);
  if ([trimmed, ...words].some((word) => SECRET_VALUE.some((pattern) => pattern.test(word)) || looksRandom(word))) return MASK;
  return words.length === 1 ? trimmed.replace(URL_USERINFO, `$1${MASK}@`) : trimmed.replace(/([a-z][\w+.-]*:\/\/)[^/@\s]*@/gi, `$1${MASK}@`);
}

/**
 * A long unbroken run of letters and digits of both kinds (a key with an
 * unknown prefix); ids such as `cred_01HZX…` are shorter or carry words.
 * `${ENV}` placeholders are not secrets.
 */
function looksRandom(text: string): boolean {
  if (text.length < 32 || /[\s${}]/.test(text)) return false;
  return /[a-z]/.test(text) && /[A-Z]/.test(text) && /\d/.test(text) && !text.includes('/');
}

/** Long strings cut, long lists cut, deep objects replaced by their field names. */
function shorten(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}…` : value;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[${value.length} items]`;
    const kept = value.slice(0, MAX_ARRAY_ITEMS).map((item) => shorten(item, depth + 1));
    return value.length > MAX_ARRAY_ITEMS ? [...kept, `… ${value.length - MAX_ARRAY_ITEMS} more`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (depth >= MAX_DEPTH) return `{${entries.map(([k]) => k).slice(0, MAX_ARRAY_ITEMS).join(', ')}}`;
    return Object.fromEntries(entries.map(([k, v]) => [k, shorten(v, depth + 1)]));
  }
  return value;
}
