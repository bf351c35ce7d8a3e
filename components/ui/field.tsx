import type { ReactNode } from 'react';

/** The attributes a control needs to be tied to its label, hint and error. */
export type FieldControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
};

export const fieldLabelId = (id: string) => `${id}-label`;
const hintId = (id: string) => `${id}-hint`;
const errorId = (id: string) => `${id}-error`;

/** The props for a control with this field's id, hint and error: spread them onto the input. */
export function fieldControlProps(id: string, opts: { hint?: ReactNode; error?: string }): FieldControlProps {
  const describedBy = [opts.error ? errorId(id) : null, opts.hint ? hintId(id) : null].filter(Boolean);
  return {
    id,
    ...(describedBy.length > 0 ? { 'aria-describedby': describedBy.join(' ') } : {}),
    ...(opts.error ? { 'aria-invalid': true as const } : {}),
  };
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={errorId(id)} className="mt-1 text-sm text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}

export function FieldHint({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={hintId(id)} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
      {children}
    </p>
  );
}

/**
 * A label, a control, a hint and an error message. The control comes from a render prop so that it always
 * carries the ids the label, hint and error are linked by.
 */
export function Field({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  return (
    <div className={className}>
      <label id={fieldLabelId(id)} htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      {children(fieldControlProps(id, { hint, error }))}
      <FieldError id={id} message={error} />
      <FieldHint id={id}>{hint}</FieldHint>
    </div>
  );
}
