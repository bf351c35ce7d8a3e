'use client';

import { PostgreSQL, sql } from '@codemirror/lang-sql';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import clsx from 'clsx';
import { useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { FieldError, FieldHint, fieldControlProps, fieldLabelId } from './field';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToScheme(onChange: () => void) {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** Follows the system colour scheme, as the rest of the UI does through Tailwind's `dark:` variant. */
function usePrefersDark(): boolean {
  return useSyncExternalStore(
    subscribeToScheme,
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
}

const baseTheme = EditorView.theme({
  '&': { fontSize: '13px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
  '.cm-gutters': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
});

// CodeMirror's grey placeholder (#888) is too faint on the active line: slate-600 in light, slate-400 in dark.
const placeholderTheme = EditorView.baseTheme({
  '&light .cm-placeholder': { color: '#45556c' },
  '&dark .cm-placeholder': { color: '#90a1b9' },
});

/**
 * A PostgreSQL editor that behaves as a form field: controlled through `value` / `onChange`, labelled by its
 * visible label, and carrying `aria-invalid` and the error text on the editable element itself, where
 * assistive technology looks for them.
 */
export function SqlEditor({
  id,
  label,
  value,
  onChange,
  onBlur,
  error,
  hint,
  readOnly = false,
  minHeight = '9rem',
  placeholder,
  className,
  focusRef,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange?: (value: string) => void;
  onBlur?: () => void;
  error?: string;
  hint?: ReactNode;
  readOnly?: boolean;
  minHeight?: string;
  placeholder?: string;
  className?: string;
  /** Receives something with focus(), so a form library can move focus to the editor on an error. */
  focusRef?: (target: { focus: () => void } | null) => void;
}) {
  const dark = usePrefersDark();
  const control = fieldControlProps(id, { hint, error });
  const describedBy = control['aria-describedby'];
  const extensions = useMemo(
    () => [
      sql({ dialect: PostgreSQL, upperCaseKeywords: true }),
      EditorView.lineWrapping,
      baseTheme,
      placeholderTheme,
      EditorView.contentAttributes.of({
        id,
        'aria-labelledby': fieldLabelId(id),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': 'true' } : {}),
        ...(readOnly ? { 'aria-readonly': 'true' } : {}),
      }),
    ],
    [id, describedBy, error, readOnly],
  );

  return (
    <div className={className}>
      <span id={fieldLabelId(id)} className="mb-1 block text-sm font-medium">
        {label}
      </span>
      <div
        data-invalid={error ? true : undefined}
        className={clsx(
          'overflow-hidden rounded-md border shadow-xs focus-within:border-brand-500 focus-within:ring-2 focus-within:ring-brand-500/30',
          error ? 'border-red-500' : 'border-slate-300 dark:border-slate-700',
        )}
      >
        <CodeMirror
          value={value}
          onChange={onChange}
          onBlur={onBlur}
          extensions={extensions}
          theme={dark ? 'dark' : 'light'}
          minHeight={minHeight}
          editable={!readOnly}
          readOnly={readOnly}
          placeholder={placeholder}
          onCreateEditor={(view) => focusRef?.({ focus: () => view.focus() })}
          basicSetup={{
            foldGutter: false,
            highlightActiveLine: !readOnly,
            highlightActiveLineGutter: !readOnly,
            autocompletion: !readOnly,
          }}
        />
      </div>
      <FieldError id={id} message={error} />
      <FieldHint id={id}>{hint}</FieldHint>
    </div>
  );
}
