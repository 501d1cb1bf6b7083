import { GATEWAY } from './compare.js';
import type { RunRecord } from './report.js';
import { TARGETS, type Storage } from './targets.js';

/**
 * docs/performance.svg, drawn by hand (no chart library): on the left,
 * requests per second of the bare proxy and of Switchboard per request shape,
 * with the 0.8x line; on the right, what Switchboard adds over direct, paced,
 * against each target's limit. Plain SVG 1.1 with text labels, so GitHub and
 * any browser show it as is.
 */
const W = 900;
const H = 420;
const COLORS = { bare: '#9aa0a6', sqlite: '#1a73e8', shared: '#e8710a', target: '#d93025', text: '#202124', grid: '#e0e0e0' };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  bold?: boolean;
  fill?: string;
}
const text = (x: number, y: number, s: string, o: TextStyle = {}) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} font-size="${o.size ?? 12}" fill="${o.fill ?? COLORS.text}" text-anchor="${o.anchor ?? 'start'}"${o.bold ? ' font-weight="bold"' : ''}>${esc(s)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string) => `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`;
const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, extra = '') =>
  `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}" ${extra}/>`;

/** A round tick step near `v`: 1, 2 or 5 times a power of ten. */
export function niceStep(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= v) ?? 10 * power;
}

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Grid lines and labels up to a round maximum at or above `top`; returns that maximum. */
function axis(p: Panel, top: number, out: string[]): number {
  const step = niceStep(top / 4);
  const max = Math.max(step, Math.ceil(top / step - 1e-9) * step);
  for (let v = 0; v <= max + 1e-9; v += step) {
    const y = p.y + p.h - (p.h * v) / max;
    out.push(line(p.x, y, p.x + p.w, y, COLORS.grid));
    out.push(text(p.x - 6, y + 4, Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toFixed(3))), { anchor: 'end', size: 11 }));
  }
  return max;
}

const SHAPES = [
  ['chat', 'chat'],
  ['stream', 'stream'],
  ['translated', 'translated'],
  ['anthropic', 'Anthropic'],
] as const;
const STORAGES: Storage[] = ['sqlite', 'shared'];

function throughput(run: RunRecord, p: Panel): string[] {
  const groups = SHAPES.map(([shape, label]) => {
    const bareId = shape === 'translated' ? 'bare-stream' : shape === 'anthropic' ? 'bare-anthropic' : shape === 'stream' ? 'bare-stream' : 'bare';
    const bare = run.scenarios[bareId]?.max.reqPerSec;
    const gateways = STORAGES.map((s) => run.scenarios[GATEWAY[s][shape]]?.max.reqPerSec);
    return { label, bare, gateways };
  }).filter((g) => g.gateways.some((v) => v !== undefined));
  const out = [text(p.x, p.y - 14, `Throughput, req/s (wrk, ${run.settings.connections} connections)`, { size: 14, bold: true })];
  if (!groups.length) return [...out, text(p.x + 10, p.y + p.h / 2, 'not run')];
  const max = axis(p, Math.max(...groups.flatMap((g) => [g.bare ?? 0, ...g.gateways.map((v) => v ?? 0)])), out);
  const groupW = p.w / groups.length;
  const barW = Math.min(36, (groupW - 16) / 3);
  const y = (v: number) => p.y + p.h - (p.h * v) / max;
  groups.forEach((g, i) => {
    const x0 = p.x + i * groupW + (groupW - 3 * barW) / 2;
    const bars: [number | undefined, string][] = [[g.bare, COLORS.bare], ...g.gateways.map((v, j): [number | undefined, string] => [v, COLORS[STORAGES[j]]])];
    bars.forEach(([v, color], j) => {
      if (v === undefined) return;
      const x = x0 + j * barW;
      out.push(rect(x, y(v), barW - 3, p.y + p.h - y(v), color));
      const ratio = j > 0 && g.bare ? `${(v / g.bare).toFixed(2)}x` : Math.round(v).toLocaleString('en-US');
      out.push(text(x + (barW - 3) / 2, y(v) - 4, ratio, { anchor: 'middle', size: 10 }));
    });
    // The target: 0.8x the bare proxy, across the gateway bars.
    if (g.bare) out.push(line(x0 + barW - 2, y(g.bare * TARGETS.throughputRatio), x0 + 3 * barW, y(g.bare * TARGETS.throughputRatio), COLORS.target, 'stroke-width="2" stroke-dasharray="4 2"'));
    out.push(text(p.x + i * groupW + groupW / 2, p.y + p.h + 16, g.label, { anchor: 'middle' }));
  });
  return out;
}

function latency(run: RunRecord, p: Panel): string[] {
  const f = run.figures;
  const metrics: { label: string; limit: number; values: (number | undefined)[] }[] = [
    { label: 'p50', limit: TARGETS.addedP50Ms, values: STORAGES.map((s) => f[s]?.addedP50Ms) },
    { label: 'p99', limit: TARGETS.addedP99Ms, values: STORAGES.map((s) => f[s]?.addedP99Ms) },
    { label: '1st byte', limit: TARGETS.addedTtfbMs, values: STORAGES.map((s) => f[s]?.addedTtfbMs) },
    { label: '1st byte, tr.', limit: TARGETS.addedTtfbTranslatedMs, values: STORAGES.map((s) => f[s]?.addedTtfbTranslatedMs) },
    { label: '280 KB tr.', limit: TARGETS.bigRequestAddedMs, values: STORAGES.map((s) => f[s]?.bigRequestAddedMs) },
  ];
  const out = [text(p.x, p.y - 14, `Added latency, ms (paced ${run.settings.rate}/s); red: limit`, { size: 14, bold: true })];
  const known = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  // The scale is set by the limits, so a figure far over one does not flatten the rest: it is cut at the top, its value printed.
  const max = axis(p, Math.max(...metrics.map((m) => m.limit)) * 2, out);
  const groupW = p.w / metrics.length;
  const barW = Math.min(30, (groupW - 12) / 2);
  const y = (v: number) => p.y + p.h - (p.h * Math.min(max, Math.max(0, v))) / max;
  metrics.forEach((m, i) => {
    const x0 = p.x + i * groupW + (groupW - 2 * barW) / 2;
    m.values.forEach((v, j) => {
      const x = x0 + j * barW;
      if (!known(v)) {
        if (j === 0 && !m.values.some(known)) out.push(text(x + barW, p.y + p.h / 2, 'not run', { anchor: 'middle', size: 10, fill: '#80868b' }));
        return;
      }
      out.push(rect(x, y(v), barW - 3, p.y + p.h - y(v), COLORS[STORAGES[j]]));
      // Cut at the top: a zigzag across the bar's end says it goes on.
      if (v > max) out.push(`<path d="M${x.toFixed(1)} ${(p.y + 6).toFixed(1)} l${((barW - 3) / 2).toFixed(1)} -5 l${((barW - 3) / 2).toFixed(1)} 5" stroke="#ffffff" stroke-width="2" fill="none"/>`);
      const inside = v > max; // its label goes inside the bar, under the cut
      out.push(text(x + (barW - 3) / 2, inside ? p.y + 22 : y(v) - 4, v.toFixed(v >= 10 ? 1 : 2), { anchor: 'middle', size: 10, fill: inside ? '#ffffff' : COLORS.text }));
    });
    out.push(line(x0 - 4, y(m.limit), x0 + 2 * barW + 1, y(m.limit), COLORS.target, 'stroke-width="2"'));
    out.push(text(p.x + i * groupW + groupW / 2, p.y + p.h + 16, m.label, { anchor: 'middle' }));
  });
  return out;
}

function legend(x: number, y: number): string[] {
  const items: [string, string][] = [
    ['bare proxy', COLORS.bare],
    ['Switchboard, SQLite', COLORS.sqlite],
    ['Switchboard, PostgreSQL + Redis', COLORS.shared],
  ];
  let at = x;
  const out: string[] = [];
  for (const [label, color] of items) {
    out.push(rect(at, y - 10, 12, 12, color), text(at + 16, y, label));
    at += 34 + label.length * 6.5;
  }
  out.push(line(at, y - 4, at + 18, y - 4, COLORS.target, 'stroke-width="2" stroke-dasharray="4 2"'), text(at + 22, y, `target (${TARGETS.throughputRatio}x bare; latency limits)`));
  return out;
}

export function chartSvg(run: RunRecord): string {
  const m = run.machine;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    rect(0, 0, W, H, '#ffffff'),
    ...throughput(run, { x: 70, y: 50, w: 360, h: 280 }),
    ...latency(run, { x: 520, y: 50, w: 360, h: 280 }),
    ...legend(70, 378),
    text(70, 404, `${run.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpu.model}, ${m.cpu.cores} cores · Node ${m.node} · wrk -c${run.settings.connections}`, { size: 11, fill: '#5f6368' }),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
