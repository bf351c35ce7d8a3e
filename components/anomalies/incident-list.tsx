import type { Incident } from '@/lib/inbox/schemas';
import { IncidentCard } from './incident-card';
import type { TriageActions } from './triage-controls';

/** The inbox: incidents newest first; `actions` only for editors. */
export function IncidentList({
  incidents,
  projectSlug,
  timeZone,
  actions,
}: {
  incidents: readonly Incident[];
  projectSlug: string;
  timeZone: string;
  actions?: TriageActions;
}) {
  return (
    <ol className="space-y-3" aria-label="Incidents">
      {incidents.map((incident) => (
        <li key={incident.id}>
          <IncidentCard incident={incident} projectSlug={projectSlug} timeZone={timeZone} actions={actions} />
        </li>
      ))}
    </ol>
  );
}
