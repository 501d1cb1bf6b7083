import { useState, type FormEvent } from 'react';
import { messageOf } from './api.js';

/**
 * A form's submit: runs `run` with the form marked busy, and keeps the
 * message of what it threw to show beside the form (cleared on the next try).
 */
export function useSubmit(run: () => Promise<void>) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}
