import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';

/** A page whose area is planned but not built yet: it says what will live here instead of pretending. */
export function NotYet({
  title,
  description,
  planned,
}: {
  title: string;
  description: string;
  planned: string[];
}) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState title="Not available yet">
        <p>This part of Sightline is being built. It will let you:</p>
        <ul className="mt-3 list-inside list-disc text-left">
          {planned.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </EmptyState>
    </>
  );
}
