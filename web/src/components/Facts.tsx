import type { ReactNode } from 'react';

/** A record's facts as label / value pairs, as a detail dialog shows them. */
export function Facts(props: { facts: [string, ReactNode][]; testId?: string }) {
  return (
    <dl className="detail" data-testid={props.testId}>
      {props.facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
