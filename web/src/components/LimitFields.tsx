import { useState } from 'react';
import { count, exact, usd } from '../format.js';
import type { KeyBudget, KeyLimits, ScopeStatus } from '../types.js';
import { Field } from './ui.js';

/**
 * Limits (requests and tokens a minute, requests at once) and a budget, as a
 * key, a group and the whole gateway each may have: the form's fields, and
 * the live counters against them.
 */

type Period = KeyBudget['period'];

export interface LimitDraft {
  rpm: string;
  tpm: string;
  concurrent: string;
  usd: string;
  tokens: string;
  period: Period;
}

export function useLimitDraft(limits: KeyLimits | null | undefined, budget: KeyBudget | null | undefined) {
  return useState<LimitDraft>(() => ({
    rpm: String(limits?.rpm ?? ''),
    tpm: String(limits?.tpm ?? ''),
    concurrent: String(limits?.concurrent ?? ''),
    usd: String(budget?.usd ?? ''),
    tokens: String(budget?.tokens ?? ''),
    period: budget?.period ?? 'month',
  }));
}

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** What the draft asks for; null for a part left empty. */
export function limitsOf(d: LimitDraft): { limits: KeyLimits | null; budget: KeyBudget | null } {
  const limits = { rpm: num(d.rpm), tpm: num(d.tpm), concurrent: num(d.concurrent) };
  const budget = { usd: num(d.usd), tokens: num(d.tokens), period: d.period };
  return {
    limits: Object.values(limits).some((v) => v !== undefined) ? definedOnly(limits) : null,
    budget: budget.usd !== undefined || budget.tokens !== undefined ? definedOnly(budget) : null,
  };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function LimitFields(props: { draft: LimitDraft; onChange: (draft: LimitDraft) => void }) {
  const d = props.draft;
  const set = (name: keyof LimitDraft) => (e: { target: { value: string } }) => props.onChange({ ...d, [name]: e.target.value });
  return (
    <>
      <fieldset>
        <legend>Limits (empty: none)</legend>
        <div className="row3">
          <Field label="Requests / min">
            <input name="rpm" type="number" min={1} value={d.rpm} onChange={set('rpm')} />
          </Field>
          <Field label="Tokens / min">
            <input name="tpm" type="number" min={1} value={d.tpm} onChange={set('tpm')} />
          </Field>
          <Field label="Requests at once">
            <input name="concurrent" type="number" min={1} value={d.concurrent} onChange={set('concurrent')} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Budget (empty: none)</legend>
        <div className="row3">
          <Field label="USD">
            <input name="budgetUsd" type="number" min={0} step="any" value={d.usd} onChange={set('usd')} />
          </Field>
          <Field label="Tokens">
            <input name="budgetTokens" type="number" min={1} value={d.tokens} onChange={set('tokens')} />
          </Field>
          <Field label="Per">
            <select name="period" value={d.period} onChange={set('period')}>
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
              <option value="total">in total</option>
            </select>
          </Field>
        </div>
      </fieldset>
    </>
  );
}

/** What a counter measures, in words. */
const DIMENSION: Record<ScopeStatus['counters'][number]['dimension'], string> = {
  rpm: 'Requests this minute',
  tpm: 'Tokens this minute',
  concurrent: 'Requests at once',
  'budget-usd': 'Spend',
  'budget-tokens': 'Tokens spent',
};

/** Live counters against each limit, as meters. */
export function Meters(props: { counters: ScopeStatus['counters'] }) {
  return (
    <div className="meters">
      {props.counters.map((c) => {
        const figures = c.dimension === 'budget-usd' ? `${usd(c.used)} of ${usd(c.limit)}` : `${count(c.used)} of ${count(c.limit)}`;
        return (
          <div key={c.dimension} className="meter" title={`${DIMENSION[c.dimension]}: ${figures}`}>
            <span className="meter-label">
              {DIMENSION[c.dimension]}: {figures}
            </span>
            <span className="meter-bar">
              <i style={{ width: `${Math.min(100, (c.used / Math.max(c.limit, 1e-9)) * 100)}%` }} className={c.used >= c.limit ? 'full' : ''} />
            </span>
          </div>
        );
      })}
    </div>
  );
}

/** Limits and budget as one line of text: "60 requests / min · $10 a month". */
export function limitsText(limits: KeyLimits | null | undefined, budget: KeyBudget | null | undefined): string {
  const parts: string[] = [];
  if (limits?.rpm) parts.push(`${exact(limits.rpm)} requests / min`);
  if (limits?.tpm) parts.push(`${exact(limits.tpm)} tokens / min`);
  if (limits?.concurrent) parts.push(`${exact(limits.concurrent)} at once`);
  const per = budget?.period === 'total' ? 'in total' : `a ${budget?.period}`;
  if (budget?.usd) parts.push(`${usd(budget.usd)} ${per}`);
  if (budget?.tokens) parts.push(`${exact(budget.tokens)} tokens ${per}`);
  return parts.join(' · ');
}
