import type { ReactNode } from 'react';
import { api } from '../api.js';
import { ActionButton } from './ui.js';

/**
 * A list row's Edit and Delete: Delete asks first, sends DELETE to the row's
 * path and reports a failure through `onError`. Buttons of the row's own
 * (a test message, a history) come first as children.
 */
export function RowActions(props: {
  onEdit: () => void;
  editLabel?: string;
  deletePath: string;
  confirm: string;
  deleteLabel?: string;
  onDeleted: () => void;
  onError: (message: string) => void;
  children?: ReactNode;
}) {
  return (
    <>
      {props.children}
      {props.children && ' '}
      <button type="button" className="small" onClick={props.onEdit}>
        {props.editLabel ?? 'Edit'}
      </button>{' '}
      <ActionButton
        className="small danger"
        confirm={props.confirm}
        onError={props.onError}
        onClick={async () => {
          await api(props.deletePath, { method: 'DELETE' });
          props.onDeleted();
        }}
      >
        {props.deleteLabel ?? 'Delete'}
      </ActionButton>
    </>
  );
}
