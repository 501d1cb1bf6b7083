import type { ReactNode } from 'react';
import { useSubmit } from '../use-submit.js';
import { FormFooter } from './ui.js';

/**
 * A dialog's form: its fields, then the error of the last try and Cancel /
 * submit; submitting runs `run` with the form marked busy.
 */
export function SubmitForm(props: { run: () => Promise<void>; label: string; busyLabel?: string; onCancel: () => void; children: ReactNode }) {
  const { error, busy, submit } = useSubmit(props.run);
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      {props.children}
      <FormFooter error={error} busy={busy} label={props.label} busyLabel={props.busyLabel ?? 'Saving…'} onCancel={props.onCancel} />
    </form>
  );
}
