import type { ReactNode } from 'react';
import { Empty } from './ui.js';

/** A column's heading: its label, right-aligned when the column holds numbers; `false` leaves it out (an admin-only column). */
export type Column = string | { label: ReactNode; num?: boolean } | false;

/**
 * A page's list: the sentence that says there is nothing, or the table in a
 * wrapper that scrolls sideways on a narrow screen. The rows are the
 * children, so each page keeps its own cells.
 */
export function DataTable(props: { columns: Column[]; rows: number; empty: ReactNode; className?: string; testId?: string; children: ReactNode }) {
  if (props.rows === 0) return <Empty>{props.empty}</Empty>;
  return (
    <div className="table-wrap">
      <table className={props.className ? `table ${props.className}` : 'table'} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((column, i) =>
              column === false ? null : typeof column === 'string' ? (
                <th key={i}>{column}</th>
              ) : (
                <th key={i} className={column.num ? 'num' : undefined}>
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
