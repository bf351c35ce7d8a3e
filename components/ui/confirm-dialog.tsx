'use client';

import { useId, useRef, type ReactNode } from 'react';
import { Button } from './button';

/**
 * A button that asks before it acts, in a native modal <dialog>: focus is trapped and Escape cancels without
 * any script of ours.
 */
export function ConfirmDialog({
  triggerLabel,
  triggerAccessibleName,
  title,
  children,
  confirmLabel,
  onConfirm,
  disabled,
}: {
  triggerLabel: string;
  /** A fuller name for the trigger when several share its label ("Delete annotation “Release”"). */
  triggerAccessibleName?: string;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <Button
        variant="danger"
        aria-label={triggerAccessibleName}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {triggerLabel}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-950/40 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {children ? <div className="mt-2 text-sm text-slate-600 dark:text-slate-400">{children}</div> : null}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
