import { useState } from 'react';
import { shortTime } from '../format.js';

/**
 * A time-series chart drawn as SVG: one or more lines (or bars) over evenly
 * spaced buckets, a few labelled gridlines, and the values of the bucket under
 * the pointer. Hand-drawn instead of a chart library: the dashboard needs only
 * this, and it stays small and themable with CSS variables.
 */

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS colour, e.g. `var(--c1)`. */
  color: string;
}

const W = 600;
const H = 180;
const PAD = { left: 60, right: 10, top: 10, bottom: 22 };

export function TimeChart(props: {
  title: string;
  buckets: number[];
  series: Series[];
  format: (n: number) => string;
  kind?: 'line' | 'bar';
  spanMs: number;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const n = props.buckets.length;
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...all));
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => H - PAD.bottom - (max === 0 ? 0 : (v / max) * (H - PAD.top - PAD.bottom));
  const step = n <= 1 ? W - PAD.left - PAD.right : (W - PAD.left - PAD.right) / (n - 1);
  const ticks = [0, 0.5, 1].map((f) => f * max);
  const labelEvery = Math.max(1, Math.ceil(n / 6));

  return (
    <figure className="chart">
      <figcaption>
        <span>{props.title}</span>
        <span className="legend">
          {props.series.map((s) => (
            <span key={s.label}>
              <i style={{ background: s.color }} />
              {s.label}
              {hover !== null && <b> {fmt(s.values[hover], props.format)}</b>}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} onMouseLeave={() => setHover(null)}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {props.format(t)}
            </text>
          </g>
        ))}
        {props.buckets.map((b, i) =>
          i % labelEvery === 0 ? (
            <text key={b} x={x(i)} y={H - 6} textAnchor="middle" className="axis">
              {shortTime(b, props.spanMs)}
            </text>
          ) : null,
        )}
        {props.series.map((s, si) =>
          props.kind === 'bar' ? (
            <g key={s.label}>
              {s.values.map((v, i) => {
                const width = Math.max(2, (step * 0.7) / props.series.length);
                const left = x(i) - (step * 0.35) + si * width;
                return v ? <rect key={i} x={left} y={y(v)} width={width} height={H - PAD.bottom - y(v)} fill={s.color} rx={1} /> : null;
              })}
            </g>
          ) : (
            <g key={s.label}>
              <path d={linePath(s.values, x, y)} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
              {/* Dots, so a lone value between gaps still shows. */}
              {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} fill={s.color} />))}
            </g>
          ),
        )}
        {hover !== null && <line x1={x(hover)} x2={x(hover)} y1={PAD.top} y2={H - PAD.bottom} className="cursor" />}
        {props.buckets.map((b, i) => (
          <rect key={b} x={x(i) - step / 2} y={0} width={step} height={H} fill="transparent" onMouseEnter={() => setHover(i)} />
        ))}
      </svg>
      {hover !== null && <div className="chart-when muted">{new Date(props.buckets[hover]).toLocaleString()}</div>}
    </figure>
  );
}

/** Gaps (null) break the line rather than drawing it through zero. */
function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const scaled = v / magnitude;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * magnitude;
}

function fmt(v: number | null | undefined, format: (n: number) => string): string {
  return v === null || v === undefined ? '—' : format(v);
}
