/**
 * Per-process counters of REST API requests by route pattern and status, read by the Prometheus endpoint.
 * Each instance reports its own counters; Prometheus sums them across instances.
 */
const counts = new Map<string, number>();

const keyOf = (route: string, status: number) => `${route}\u0000${status}`;

/** `route` is the pattern (`/api/v1/projects/{project}/metrics`), never the concrete path: bounded label values. */
export function recordApiRequest(route: string, status: number): void {
  const key = keyOf(route, status);
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export function snapshotApiRequests(): { route: string; status: number; count: number }[] {
  return [...counts].map(([key, count]) => {
    const [route, status] = key.split('\u0000');
    return { route: route ?? '', status: Number(status), count };
  });
}
