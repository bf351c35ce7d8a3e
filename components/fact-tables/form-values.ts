import type { z } from 'zod';
import type { factTableInputSchema } from '@/lib/fact-tables/schemas';

/** What the fact-table form holds: the shared input schema's input side, never a redeclared schema. */
export type FactTableFormValues = z.input<typeof factTableInputSchema>;
