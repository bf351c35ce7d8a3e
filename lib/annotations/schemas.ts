/**
 * Annotations: a note on a moment or a stretch of time, on one metric's chart or (metricId null) on every chart
 * of the project. One zod source for the drilldown's form, the server actions and the verbs. Client-safe.
 */
import { z } from 'zod';
import { safeText } from '@/lib/text';

export const MAX_ANNOTATION_NOTE_LENGTH = 500;
/** The longest stretch one note may cover, and how far ahead of now it may start. */
export const MAX_ANNOTATION_SPAN_DAYS = 366;
export const MAX_ANNOTATION_LEAD_DAYS = 366;
const DAY_MS = 86_400_000;
const EARLIEST = Date.UTC(2000, 0, 1);

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const emptyAsNull = (v: unknown) =>
  v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v;

const noteSchema = z.preprocess(
  trimmed,
  safeText({ label: 'Note', min: 1, max: MAX_ANNOTATION_NOTE_LENGTH }),
);

const instant = (label: string) =>
  z
    .string({ error: `Enter the ${label.toLowerCase()} time.` })
    .min(1, `Enter the ${label.toLowerCase()} time.`)
    .pipe(z.iso.datetime({ offset: true, error: `${label} must be a date and time.` }))
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() >= EARLIEST, `${label} must be in the year 2000 or later.`);

const fields = {
  /** The metric the note is about, or null: every metric of the project. */
  metricId: z.uuid('Unknown metric.').nullable(),
  note: noteSchema,
  startsAt: instant('Start'),
  /** Null: a moment rather than a stretch. */
  endsAt: z.preprocess(emptyAsNull, instant('End').nullable()),
};

function checkSpan(value: { startsAt: Date; endsAt: Date | null }, ctx: z.RefinementCtx): void {
  // Object checks run even when a field failed: then the times may still be text.
  if (!(value.startsAt instanceof Date) || !(value.endsAt instanceof Date)) return;
  const span = value.endsAt.getTime() - value.startsAt.getTime();
  if (span < 0) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The end must not be before the start.' });
  } else if (span > MAX_ANNOTATION_SPAN_DAYS * DAY_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['endsAt'],
      message: `One note covers at most ${MAX_ANNOTATION_SPAN_DAYS} days.`,
    });
  }
}

export const annotationInputSchema = z.object(fields).strict().superRefine(checkSpan);
export type AnnotationInput = z.infer<typeof annotationInputSchema>;

export const updateAnnotationInputSchema = z
  .object({ id: z.uuid('Unknown annotation.'), ...fields })
  .strict()
  .superRefine(checkSpan);
export type UpdateAnnotationInput = z.infer<typeof updateAnnotationInputSchema>;

export const annotationIdInputSchema = z.object({ id: z.uuid('Unknown annotation.') }).strict();

/** The notes a metric's chart shows: its own and the project's, overlapping [start, end). */
export const listAnnotationsInputSchema = z
  .object({
    metricId: z.uuid('Unknown metric.'),
    start: instant('Start').optional(),
    end: instant('End').optional(),
  })
  .strict();

export type AnnotationDto = {
  id: string;
  /** Null: the note shows on every metric of the project. */
  metricId: string | null;
  note: string;
  startsAt: string;
  endsAt: string | null;
  authorName: string | null;
  createdAt: string;
};
