import type { Tone } from '@/components/ui/badge';
import type { TypeBucket } from '@/lib/warehouse/types';

/** One colour per type bucket, the same in the list, the preview and the detail page. */
export const TYPE_TONE: Record<TypeBucket, Tone> = {
  number: 'blue',
  string: 'neutral',
  boolean: 'amber',
  timestamp: 'green',
};
