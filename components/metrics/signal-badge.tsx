import { Badge, type Tone } from '@/components/ui/badge';
import type { SeverityLevel } from '@/lib/series/schemas';

const TONE: Record<SeverityLevel, Tone> = { high: 'red', medium: 'amber', low: 'neutral' };

/** The highest severity among a metric's active anomalies, or a quiet "none". */
export function SignalBadge({ severity }: { severity: SeverityLevel | null }) {
  if (!severity) {
    return (
      <span className="text-slate-500 dark:text-slate-400">
        <span aria-hidden>—</span>
        <span className="sr-only">No active anomaly</span>
      </span>
    );
  }
  return (
    <span title={`Active anomaly, ${severity} severity`}>
      <Badge tone={TONE[severity]}>
        <span aria-hidden className="mr-1">
          ●
        </span>
        {severity}
        <span className="sr-only"> severity anomaly active</span>
      </Badge>
    </span>
  );
}
