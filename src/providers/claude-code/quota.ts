import type { ReplyHeaders } from '../http.js';
import type { CredentialQuota } from '../provider.js';

/**
 * A Claude subscription reports its usage limits on every Messages answer in
 * `anthropic-ratelimit-unified-*` headers: the overall `status` (`allowed`,
 * `allowed_warning`, `rejected`), `reset` (epoch seconds) and
 * `representative-claim` (the window that binds), and per window
 * (`5h`, `7d`, `7d_opus`, `overage`, …) its `-status`, `-reset` and
 * `-utilization` (0..1). Not documented by Anthropic for third parties;
 * read as Claude Code reads them to show its usage limits, and every
 * window it names is kept, known or not.
 */
const PREFIX = 'anthropic-ratelimit-unified-';

/** The quota the headers tell; null when they carry none (an API-key answer, an error before the limits were read). */
export function quotaOf(headers: ReplyHeaders, now: number): CredentialQuota | null {
  let seen = false;
  const quota: CredentialQuota = { status: null, resetAt: null, binding: null, windows: [], observedAt: now };
  const windows = new Map<string, CredentialQuota['windows'][number]>();
  const windowNamed = (name: string) => {
    let w = windows.get(name);
    if (!w) windows.set(name, (w = { name, status: null, utilization: null, resetAt: null }));
    return w;
  };
  headers.forEach((value, name) => {
    if (!name.startsWith(PREFIX)) return;
    seen = true;
    const field = name.slice(PREFIX.length);
    if (field === 'status') quota.status = value;
    else if (field === 'reset') quota.resetAt = epochMs(value);
    else if (field === 'representative-claim') quota.binding = value;
    else {
      const part = /^(.+)-(status|reset|utilization)$/.exec(field);
      if (!part) return;
      const w = windowNamed(part[1]!);
      if (part[2] === 'status') w.status = value;
      else if (part[2] === 'reset') w.resetAt = epochMs(value);
      else w.utilization = Number.isFinite(Number(value)) ? Number(value) : null;
    }
  });
  if (!seen) return null;
  quota.windows = [...windows.values()].sort((a, b) => a.name.localeCompare(b.name));
  return quota;
}

/** A reset time: epoch seconds (as sent), or an RFC 3339 time. */
export function epochMs(value: string): number | null {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}
