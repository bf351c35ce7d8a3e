'use client';

import { useState, type Ref } from 'react';
import { FieldError, FieldHint, fieldControlProps, fieldLabelId } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

/** Splits typed text into tags the way the schema spells them: lower case, no blanks. */
function toTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Tags as chips: typing a comma, a space or Enter turns the text into a chip, Backspace on an empty box takes
 * the last one back. Text still in the box when it loses focus becomes a chip too, so nothing typed is lost
 * on save.
 */
export function TagInput({
  id,
  value,
  onChange,
  onBlur,
  inputRef,
  error,
  hint,
}: {
  id: string;
  value: string[];
  onChange: (tags: string[]) => void;
  onBlur: () => void;
  inputRef: Ref<HTMLInputElement>;
  error?: string;
  hint?: string;
}) {
  const [draft, setDraft] = useState('');
  const add = (text: string) => {
    const next = toTags(text).filter((t) => !value.includes(t));
    if (next.length > 0) onChange([...value, ...next]);
    setDraft('');
  };

  return (
    <div>
      <label id={fieldLabelId(id)} htmlFor={id} className="mb-1 block text-sm font-medium">
        Tags
      </label>
      <div className="flex flex-wrap items-center gap-1.5">
        {value.map((tag) => (
          <span
            key={tag}
            className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-2.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300"
          >
            {tag}
            <button
              type="button"
              aria-label={`Remove tag ${tag}`}
              onClick={() => onChange(value.filter((t) => t !== tag))}
              className="rounded-full px-1 text-slate-500 dark:text-slate-400 hover:bg-slate-200 hover:text-slate-900 dark:hover:bg-slate-700"
            >
              ×
            </button>
          </span>
        ))}
        <Input
          {...fieldControlProps(id, { hint, error })}
          ref={inputRef}
          value={draft}
          placeholder={value.length === 0 ? 'sales, core' : 'Add a tag'}
          autoComplete="off"
          className="min-w-32 flex-1"
          onChange={(event) => {
            const text = event.target.value;
            if (/[,\s]$/.test(text)) add(text);
            else setDraft(text);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add(draft);
            } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
              onChange(value.slice(0, -1));
            }
          }}
          onBlur={() => {
            add(draft);
            onBlur();
          }}
        />
      </div>
      <FieldError id={id} message={error} />
      <FieldHint id={id}>{hint}</FieldHint>
    </div>
  );
}
