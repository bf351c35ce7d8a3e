import { Badge } from '@/components/ui/badge';
import type { SeverityLevel } from '@/lib/series/schemas';
import { SEVERITY_TONE } from './anomaly-format';

export function SeverityBadge({ severity }: { severity: SeverityLevel }) {
  return (
    <Badge tone={SEVERITY_TONE[severity]}>
      <span aria-hidden className="mr-1">
        ●
      </span>
      {severity}
      <span className="sr-only"> severity</span>
    </Badge>
  );
}
