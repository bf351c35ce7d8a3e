/** Labels and tones for collection runs, shared by the list and the detail page. Pure. */
import type { Tone } from '@/components/ui/badge';
import type { RunDto } from '@/lib/collection/service';

export const STATUS_TONE: Record<RunDto['status'], Tone> = {
  pending: 'neutral',
  running: 'blue',
  completed: 'green',
  failed: 'red',
};

export const TRIGGER_LABEL: Record<RunDto['trigger'], string> = {
  cron: 'Scheduled',
  manual: 'Manual',
  backfill: 'Backfill',
  api: 'API',
};

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
}

export function isActive(status: RunDto['status']): boolean {
  return status === 'pending' || status === 'running';
}
