/** The anomalies inbox as a flat, paged list: each anomaly names the incident it belongs to. */
import type { z } from 'zod';
import type { ServiceContext } from '@/lib/context';
import type { InboxAnomaly } from '@/lib/inbox/schemas';
import { listInbox } from '@/lib/inbox/service';
import type { anomalyListQuerySchema } from './schemas';

export async function listAnomaliesPage({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: z.output<typeof anomalyListQuerySchema>;
}): Promise<{ data: (InboxAnomaly & { incidentId: string })[]; nextCursor: string | null }> {
  const { cursor, ...filters } = query;
  const page = await listInbox({ ctx, input: { ...filters, ...(cursor ? { before: cursor } : {}) } });
  return {
    data: page.incidents.flatMap((incident) =>
      incident.anomalies.map((anomaly) => ({ ...anomaly, incidentId: incident.id })),
    ),
    nextCursor: page.nextBefore,
  };
}
