import { useState, type ReactNode } from 'react';

/** Small building blocks every page uses. */

export function Card(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${props.className ?? ''}`} data-testid={props.testId}>
      {(props.title || props.actions) && (
        <header className="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div className="actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

export function Stat(props: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={props.testId}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      {props.hint && <div className="stat-hint">{props.hint}</div>}
    </div>
  );
}

/** An API error in words; never swallowed. */
export function ErrorNote(props: { error: string | undefined; onRetry?: () => void }) {
  if (!props.error) return null;
  return (
    <div className="error-note" role="alert">
      <span>{props.error}</span>
      {props.onRetry && (
        <button type="button" className="link" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading(props: { when: boolean }) {
  return props.when ? <div className="muted loading">Loading…</div> : null;
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty muted">{props.children}</div>;
}

export function Badge(props: { tone?: 'ok' | 'warn' | 'bad' | 'muted'; children: ReactNode; title?: string }) {
  return (
    <span className={`badge ${props.tone ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Modal(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className={`modal ${props.wide ? 'wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title}>
        <header className="card-head">
          <h2>{props.title}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </header>
        <div className="modal-body">{props.children}</div>
      </div>
    </div>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Clipboard needs a secure context; fall back to a selected textarea and the old command.
      const area = document.createElement('textarea');
      area.value = props.text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" className="small" onClick={() => void copy()}>
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** A labelled control; the hint sits outside the label, so it is not part of the control's name. */
export function Field(props: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label className="field">
        <span className="field-label">{props.label}</span>
        {props.children}
      </label>
      {props.hint && <span className="field-hint">{props.hint}</span>}
    </div>
  );
}

/** A button that runs an async action, shows that it is busy, and reports its error next to it. */
export function ActionButton(props: {
  onClick: () => Promise<unknown>;
  children: ReactNode;
  className?: string;
  confirm?: string;
  onError?: (message: string) => void;
  testId?: string;
  /** Tooltip and accessible name, for buttons that show only a symbol. */
  title?: string;
}) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    try {
      await props.onClick();
    } catch (err) {
      props.onError?.(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={props.className ?? 'small'} disabled={busy} onClick={() => void run()} data-testid={props.testId} title={props.title} aria-label={props.title}>
      {busy ? '…' : props.children}
    </button>
  );
}

/** Splits "a, b  c" into ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A form's error line and its Cancel / submit buttons; the submit label reads `busyLabel` while it runs. */
export function FormFooter(props: { error?: string; busy: boolean; label: string; busyLabel: string; onCancel: () => void }) {
  return (
    <>
      <ErrorNote error={props.error} />
      <div className="form-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={props.busy}>
          {props.busy ? props.busyLabel : props.label}
        </button>
      </div>
    </>
  );
}
