import { compilePattern } from '../config/redact-patterns.js';

/**
 * Redaction of logged request and response bodies, applied before anything
 * is stored. Secrets and API-key shapes are always removed; e-mail addresses
 * and the operator's own patterns only when configured.
 */

export interface RedactOptions {
  emails: boolean;
  /** Extra regular expressions (JavaScript syntax), each match replaced. */
  patterns: readonly string[];
}

export interface Redactor {
  (text: string): string;
  /**
   * Where `text` holds something to redact and what replaces each, left to
   * right without overlaps, every rule matched against the text as given: for
   * text assembled from pieces (a stream's deltas) whose pieces are then redacted one by one.
   */
  spans(text: string): RedactSpan[];
}

export interface RedactSpan {
  start: number;
  end: number;
  replacement: string;
}

/**
 * Where a key may start: not inside a longer word, except right after a
 * JSON escape (`\n`, `\t`, …), whose letter would otherwise hide a key that
 * begins a line of a logged body (`\b` alone sees `n` + `sk-` as one word).
 */
const START = String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9]))`;
const from = (source: string, flags = 'g') => new RegExp(START + source, flags);
/**
 * For a shape that can fail after a long scan (a JWT needs its dots): where a
 * run of its own characters starts, never inside one, so each run is scanned
 * once instead of once from every position in it (quadratic on a long run).
 */
const RUN_START = String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9_-]))`;

/**
 * Shapes that are always redacted, most specific first (each is applied to
 * the output of the one before). Key formats as their issuers document them:
 */
const ALWAYS: readonly { name: string; pattern: RegExp }[] = [
  // PEM private keys, RFC 7468 §2 (`-----BEGIN … PRIVATE KEY-----`), also with JSON-escaped newlines.
  { name: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g },
  // Anthropic keys: `sk-ant-api03-…` (https://docs.anthropic.com/en/api/admin-api/apikeys/get-api-key)
  { name: 'anthropic-key', pattern: from(String.raw`sk-ant-[A-Za-z0-9_-]{8,}`) },
  // OpenAI keys (`sk-…`, `sk-proj-…`, https://platform.openai.com/docs/api-reference/authentication) and Switchboard's own `sk-sb-…`.
  { name: 'api-key', pattern: from(String.raw`sk-[A-Za-z0-9_-]{16,}`) },
  // Google API keys: `AIza` + 35 characters (https://cloud.google.com/docs/authentication/api-keys).
  { name: 'google-key', pattern: from(String.raw`AIza[0-9A-Za-z_-]{35}`) },
  // GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ and fine-grained github_pat_ (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
  { name: 'github-token', pattern: from(String.raw`(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`) },
  // AWS access key ids (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
  { name: 'aws-key-id', pattern: from(String.raw`(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`) },
  // AWS secret access keys only where labelled as such: 40 base64 characters alone look like anything.
  { name: 'aws-secret', pattern: /(aws_?secret_?access_?key["'\s:=]{1,6})[A-Za-z0-9/+=]{40}/gi },
  // JSON Web Tokens: three base64url parts, the first two JSON objects (`eyJ` is `{"`), RFC 7519 §3.
  { name: 'jwt', pattern: new RegExp(RUN_START + String.raw`eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`, 'g') },
  // Bearer credentials in any header-like text, RFC 6750 §2.1.
  { name: 'bearer', pattern: from(String.raw`(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*`, 'gi') },
];

// Only from where a run of local-part characters starts (see RUN_START).
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Compiles the options into one function; throws naming the pattern that is not a valid regex. */
export function createRedactor(options: RedactOptions): Redactor {
  const rules = [...ALWAYS];
  if (options.emails) rules.push({ name: 'email', pattern: EMAIL });
  for (const [i, source] of options.patterns.entries()) rules.push({ name: `pattern-${i + 1}`, pattern: compilePattern(source) });
  // A captured prefix (`Bearer `, a label) is kept so the redacted text still reads.
  const replacement = (name: string, groups: unknown[]) => `${typeof groups[0] === 'string' ? groups[0] : ''}[REDACTED:${name}]`;
  const redact = (text: string) => {
    let out = text;
    for (const { name, pattern } of rules) {
      pattern.lastIndex = 0;
      out = out.replace(pattern, (_match: string, ...groups: unknown[]) => replacement(name, groups));
    }
    return out;
  };
  const spans = (text: string) => {
    const found: RedactSpan[] = [];
    for (const { name, pattern } of rules) {
      for (const match of text.matchAll(pattern)) {
        if (match[0].length > 0) found.push({ start: match.index, end: match.index + match[0].length, replacement: replacement(name, match.slice(1)) });
      }
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    // Overlapping matches (a key inside a Bearer header) become one span, replaced as the first one says.
    const merged: RedactSpan[] = [];
    for (const span of found) {
      const last = merged.at(-1);
      if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
      else merged.push({ ...span });
    }
    return merged;
  };
  return Object.assign(redact, { spans });
}
