'use client';

import clsx from 'clsx';
import { KIND_CHOICES, type KindKey } from './form-values';

/** The four kinds of metric as one radio group; switching keeps a draft of each kind (see MetricForm). */
export function KindSwitch({ value, onChange }: { value: KindKey; onChange: (next: KindKey) => void }) {
  return (
    <fieldset>
      <legend className="mb-1 block text-sm font-medium">Kind</legend>
      <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        {KIND_CHOICES.map((choice) => {
          const hintId = `metric-kind-${choice.key}-hint`;
          return (
            <label
              key={choice.key}
              className={clsx(
                'flex cursor-pointer items-start gap-2.5 rounded-md border px-3 py-2.5 text-sm transition-colors',
                value === choice.key
                  ? 'border-brand-500 bg-brand-50 ring-1 ring-brand-500 dark:bg-brand-700/20'
                  : 'border-slate-200 hover:border-slate-300 dark:border-slate-800 dark:hover:border-slate-700',
              )}
            >
              <input
                type="radio"
                name="metric-kind"
                value={choice.key}
                checked={value === choice.key}
                onChange={() => onChange(choice.key)}
                aria-label={choice.label}
                aria-describedby={hintId}
                className="mt-0.5 accent-brand-600"
              />
              <span>
                <span className="block font-medium">{choice.label}</span>
                <span id={hintId} className="block text-xs text-slate-600 dark:text-slate-400">
                  {choice.hint}
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
