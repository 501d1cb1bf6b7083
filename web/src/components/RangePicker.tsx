import { useState } from 'react';
import { toLocalInput } from '../format.js';

/** last hour / 24 h / 7 d / 30 d, or a custom from–to in the browser's time zone. */

export type Range = { kind: 'named'; name: '1h' | '24h' | '7d' | '30d' } | { kind: 'custom'; from: number; to: number };

const NAMED = [
  { name: '1h', label: 'Last hour' },
  { name: '24h', label: '24 h' },
  { name: '7d', label: '7 d' },
  { name: '30d', label: '30 d' },
] as const;

export function rangeQuery(range: Range): Record<string, string | number> {
  return range.kind === 'named' ? { range: range.name } : { from: range.from, to: range.to };
}

export function RangePicker(props: { value: Range; onChange: (range: Range) => void }) {
  const now = Date.now();
  const [from, setFrom] = useState(toLocalInput(now - 86_400_000));
  const [to, setTo] = useState(toLocalInput(now));
  const custom = props.value.kind === 'custom';
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {NAMED.map((r) => (
        <button
          key={r.name}
          type="button"
          className={props.value.kind === 'named' && props.value.name === r.name ? 'seg active' : 'seg'}
          onClick={() => props.onChange({ kind: 'named', name: r.name })}
        >
          {r.label}
        </button>
      ))}
      <button
        type="button"
        className={custom ? 'seg active' : 'seg'}
        onClick={() => props.onChange({ kind: 'custom', from: new Date(from).getTime(), to: new Date(to).getTime() })}
      >
        Custom
      </button>
      {custom && (
        <span className="custom-range">
          <input type="datetime-local" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} />
          <span>–</span>
          <input type="datetime-local" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} />
          <button
            type="button"
            className="small"
            onClick={() => props.onChange({ kind: 'custom', from: new Date(from).getTime(), to: new Date(to).getTime() })}
          >
            Apply
          </button>
        </span>
      )}
    </div>
  );
}
