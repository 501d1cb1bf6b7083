/** How figures are written on the page. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return Math.abs(n) >= 100_000 ? compact.format(n) : integer.format(n);
}

/** Every digit, for figures a person set (a limit of 100,000 reads as such, not 100K). */
export function exact(n: number): string {
  return integer.format(n);
}

/** "1 request", "2 requests": a count with its noun, plural when it is not one (`plural` for the irregular ones). */
export function counted(n: number | null | undefined, noun: string, plural = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : plural}`;
}

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB". */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return counted(n, 'byte');
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

export function usd(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'unknown';
  if (n === 0) return '$0';
  if (Math.abs(n) < 0.01) return `$${n.toPrecision(2)}`;
  // Cents alone would round small sums together; three decimals below a dollar keep them apart.
  return `$${n.toFixed(Math.abs(n) < 1 ? 3 : 2)}`;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  const p = ratio * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

export function dateTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function shortTime(epochMs: number, spanMs: number): string {
  const d = new Date(epochMs);
  if (spanMs <= 2 * 86_400_000) return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function ago(epochMs: number | null | undefined, now = Date.now()): string {
  if (epochMs === null || epochMs === undefined) return '—';
  const s = Math.round((now - epochMs) / 1000);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A value for <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(epochMs: number): string {
  const d = new Date(epochMs - new Date(epochMs).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** What an endpoint billed by the unit used (images, audio, speech, rerank), in words; '' for none. */
export function unitsText(units: { images?: number; imageSize?: string; imageQuality?: string; audioSeconds?: number; characters?: number; searches?: number } | null | undefined): string {
  if (!units) return '';
  const parts: string[] = [];
  if (units.images) {
    const kind = [units.imageQuality, units.imageSize].filter(Boolean).join(' ');
    parts.push(`${counted(units.images, 'image')}${kind ? ` (${kind})` : ''}`);
  }
  if (units.audioSeconds) parts.push(`${Math.round(units.audioSeconds * 10) / 10} s of audio`);
  if (units.characters) parts.push(counted(units.characters, 'character'));
  if (units.searches) parts.push(counted(units.searches, 'search', 'searches'));
  return parts.join(' · ');
}
