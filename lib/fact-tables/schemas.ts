/**
 * Fact-table input: the SQL, its timestamp and identifier columns, and its named row filters. Client-safe: no
 * database, no Node built-ins. Checks that need the warehouse (columns exist, filters parse) live in the service.
 */
import { z } from 'zod';
import { safeText } from '@/lib/text';

export const MAX_FACT_TABLE_SQL_LENGTH = 100_000;
export const MAX_IDENTIFIER_COLUMNS = 10;
export const MAX_ROW_FILTERS = 30;
/** Preview shows this many sample rows; one more is fetched to know whether there are more. */
export const PREVIEW_SAMPLE_ROWS = 100;

// Mirrors lib/sql/identifiers.ts (S9): plain names, at most 63 characters, always quoted when placed in SQL.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const identifier = (message: string) => z.string({ error: message }).regex(IDENTIFIER, message);

const sqlText = safeText({ label: 'SQL', max: MAX_FACT_TABLE_SQL_LENGTH, min: 1 });
const rowFilterExpression = safeText({ label: 'Condition', max: 2000, min: 1 });

export const rowFilterInputSchema = z
  .object({
    /** Set when editing an existing filter, so metrics that use it keep pointing at it after a rename. */
    id: z.uuid('Unknown row filter.').optional(),
    name: z
      .string({ error: 'Name the row filter.' })
      .trim()
      .min(1, 'Name the row filter.')
      .max(60, 'Row filter names are at most 60 characters.')
      .regex(
        /^[a-z0-9][a-z0-9_ -]*$/,
        'Row filter names are lower-case letters, digits, spaces, - and _, starting with a letter or digit.',
      ),
    expression: rowFilterExpression,
  })
  .strict();

const factTableFields = z
  .object({
    name: safeText({ label: 'Name', max: 120, min: 1 }).transform((s) => s.trim()),
    description: safeText({ label: 'Description', max: 2000 }).default(''),
    dataSourceId: z.uuid('Pick a data source.'),
    sql: sqlText,
    timestampColumn: identifier('Pick the timestamp column.'),
    identifierColumns: z
      .array(identifier('Pick a column of the query.'))
      .max(MAX_IDENTIFIER_COLUMNS, `At most ${MAX_IDENTIFIER_COLUMNS} identifier columns.`)
      .default([]),
    rowFilters: z
      .array(rowFilterInputSchema)
      .max(MAX_ROW_FILTERS, `At most ${MAX_ROW_FILTERS} row filters.`)
      .default([]),
  })
  .strict();

/** Names and ids must be unique within one input; the database only sees them one at a time. */
function refineUniqueness(
  input: Pick<z.infer<typeof factTableFields>, 'identifierColumns' | 'rowFilters'>,
  ctx: z.RefinementCtx,
): void {
  const seenColumns = new Set<string>();
  input.identifierColumns.forEach((column, i) => {
    if (seenColumns.has(column)) {
      ctx.addIssue({ code: 'custom', path: ['identifierColumns', i], message: 'Listed twice.' });
    }
    seenColumns.add(column);
  });
  const seenFilters = new Set<string>();
  const seenIds = new Set<string>();
  input.rowFilters.forEach((filter, i) => {
    if (seenFilters.has(filter.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rowFilters', i, 'name'],
        message: 'Another row filter already has this name.',
      });
    }
    seenFilters.add(filter.name);
    if (filter.id !== undefined) {
      if (seenIds.has(filter.id)) {
        ctx.addIssue({ code: 'custom', path: ['rowFilters', i, 'id'], message: 'Listed twice.' });
      }
      seenIds.add(filter.id);
    }
  });
}

export const factTableInputSchema = factTableFields.superRefine(refineUniqueness);

export type FactTableInput = z.infer<typeof factTableInputSchema>;
export type RowFilterInput = z.infer<typeof rowFilterInputSchema>;

export const updateFactTableInputSchema = factTableFields
  .extend({ id: z.uuid('Unknown fact table.') })
  .superRefine(refineUniqueness);
export type UpdateFactTableInput = z.infer<typeof updateFactTableInputSchema>;

export const factTableIdInputSchema = z.object({ id: z.uuid('Unknown fact table.') }).strict();

export const previewInputSchema = z
  .object({
    dataSourceId: z.uuid('Pick a data source.'),
    sql: sqlText,
    rowFilter: rowFilterExpression.optional(),
  })
  .strict();
export type PreviewInput = z.infer<typeof previewInputSchema>;
