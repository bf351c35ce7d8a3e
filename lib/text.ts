/**
 * Text rules shared by every schema that takes free text: no NUL bytes, no lone surrogates, no bidi overrides
 * (they make text read differently than it is stored), and a length cap.
 */
import { z } from 'zod';

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL bytes';
  if (!value.isWellFormed()) return 'must not contain unpaired surrogate characters';
  if (BIDI_CONTROLS.test(value)) return 'must not contain bidirectional override characters';
  return null;
}

export function safeText(opts: { label: string; max: number; min?: number }) {
  const min = opts.min ?? 0;
  return z
    .string({ error: `${opts.label} must be text.` })
    .max(opts.max, `${opts.label} must be at most ${opts.max} characters.`)
    .refine(
      (v) => v.length >= min,
      min === 1 ? `${opts.label} is required.` : `${opts.label} must be at least ${min} characters.`,
    )
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${opts.label} ${problem}.` });
    });
}
