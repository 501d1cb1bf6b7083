import { useEffect, useRef, useState } from 'react';
import { shortTime } from '../format.js';

/**
 * A time-series chart drawn as SVG: one or more lines (or bars) over evenly
 * spaced buckets, a few labelled gridlines, and the values of the bucket under
 * the pointer. Hand-drawn instead of a chart library: the dashboard needs only
 * this, and it stays small and themable with CSS variables.
 *
 * Each bucket owns an equal slot and its point or bar sits in the slot's
 * middle, so the first and last time labels stay inside the drawing. The SVG
 * is drawn at the width it is shown at (text keeps its size on a phone), and
 * a line chart of fewer than three buckets is drawn as bars: one point alone
 * says nothing as a line.
 */

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS colour, e.g. `var(--c1)`. */
  color: string;
}

const H = 180;
const PAD = { left: 56, right: 8, top: 10, bottom: 22 };
/** Width of one character of an axis label (11 px system font), a little generous. */
const CHAR_PX = 6.6;

export function TimeChart(props: {
  title: string;
  buckets: number[];
  series: Series[];
  format: (n: number) => string;
  kind?: 'line' | 'bar';
  spanMs: number;
  /** The values are counts: gridlines fall on whole numbers. */
  whole?: boolean;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const [W, ref] = useWidth<HTMLDivElement>(600);
  const n = props.buckets.length;
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  // Whole numbers get an even top (at least 2), so the middle gridline is a whole number too.
  const top = niceMax(Math.max(0, ...all));
  const max = props.whole ? Math.max(2, top % 2 === 0 ? top : top + 1) : top;
  const plot = W - PAD.left - PAD.right;
  const slot = plot / Math.max(1, n);
  const x = (i: number) => PAD.left + slot * (i + 0.5);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.5, 1].map((f) => f * max);
  const labels = props.buckets.map((b) => shortTime(b, props.spanMs));
  const labelPx = Math.max(...labels.map((l) => l.length * CHAR_PX), 0);
  const labelEvery = Math.max(1, Math.ceil((labelPx + 12) / slot));
  // A label is centred under its bucket, but moved in where it would cross the drawing's edge.
  const labelX = (i: number) => Math.min(Math.max(x(i), labelPx / 2 + 2), W - labelPx / 2 - 2);
  const bars = props.kind === 'bar' || n < 3;
  // Bars of all series side by side in the middle 70% of the slot, at most 48 px in all.
  const barWidth = Math.max(2, Math.min(48, slot * 0.7) / props.series.length);

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
      <div ref={ref}>
        <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} onMouseLeave={() => setHover(null)}>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
              <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="axis">
                {props.format(t)}
              </text>
            </g>
          ))}
          {props.buckets.map((b, i) =>
            // Counted from the last bucket, so the newest one is always labelled.
            (n - 1 - i) % labelEvery === 0 ? (
              <text key={b} x={labelX(i)} y={H - 6} textAnchor="middle" className="axis x-label">
                {labels[i]}
              </text>
            ) : null,
          )}
          {props.series.map((s, si) =>
            bars ? (
              <g key={s.label}>
                {s.values.map((v, i) => {
                  const left = x(i) - (barWidth * props.series.length) / 2 + si * barWidth;
                  return v ? <rect key={i} x={left} y={y(v)} width={barWidth} height={H - PAD.bottom - y(v)} fill={s.color} rx={1} /> : null;
                })}
              </g>
            ) : (
              <g key={s.label}>
                <path d={linePath(s.values, x, y)} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
                {/* A value with no neighbour draws no line: a marker shows it. */}
                {s.values.map((v, i) =>
                  v === null || (s.values[i - 1] ?? null) !== null || (s.values[i + 1] ?? null) !== null ? null : (
                    <circle key={i} cx={x(i)} cy={y(v)} r={3.5} fill={s.color} />
                  ),
                )}
              </g>
            ),
          )}
          {hover !== null && <line x1={x(hover)} x2={x(hover)} y1={PAD.top} y2={H - PAD.bottom} className="cursor" />}
          {props.buckets.map((b, i) => (
            <rect key={b} x={x(i) - slot / 2} y={0} width={slot} height={H} fill="transparent" onMouseEnter={() => setHover(i)} />
          ))}
        </svg>
      </div>
      {hover !== null && <div className="chart-when muted">{new Date(props.buckets[hover]).toLocaleString()}</div>}
    </figure>
  );
}

/** The width an element is laid out at, followed as it changes. */
function useWidth<E extends HTMLElement>(initial: number): [number, (element: E | null) => void] {
  const [width, setWidth] = useState(initial);
  const [element, setElement] = useState<E | null>(null);
  const observer = useRef<ResizeObserver>(undefined);
  useEffect(() => {
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    observer.current = new ResizeObserver(measure);
    observer.current.observe(element);
    return () => observer.current?.disconnect();
  }, [element]);
  return [width, setElement];
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
