import { useState, type FormEvent, type ReactNode } from 'react';

/**
 * A list page's filters: a draft the inputs edit, and the filters in force,
 * which change only when the bar is submitted (or cleared), so typing does
 * not reload the list at each key.
 */
export function useFilters<F extends { [K in keyof F]: string }>(none: F, onChange?: () => void) {
  const [draft, setDraft] = useState<F>(none);
  const [filters, setFilters] = useState<F>(none);
  const set = (name: keyof F) => (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    onChange?.();
    setFilters(draft);
  };
  const clear = () => {
    setDraft(none);
    setFilters(none);
    onChange?.();
  };
  return { draft, filters, set, apply, clear, setFilters };
}

/** The filters as query parameters: empty ones left out, `from` and `to` (the browser's local time) as instants. */
export function queryOf(filters: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters) as [string, string][]) {
    if (!value.trim()) continue;
    out[name] = name === 'from' || name === 'to' ? new Date(value).toISOString() : value.trim();
  }
  return out;
}

/** The bar: the page's inputs, then Filter and Clear, then what the page puts after them (export buttons). */
export function FilterBar(props: { onSubmit: (e: FormEvent) => void; onClear: () => void; children: ReactNode; after?: ReactNode }) {
  return (
    <form className="filters" onSubmit={props.onSubmit} aria-label="Filters">
      {props.children}
      <button type="submit" className="primary">
        Filter
      </button>
      <button type="button" onClick={props.onClear}>
        Clear
      </button>
      {props.after}
    </form>
  );
}
