import { Alert } from '@/components/ui/alert';

export type FormProblemValue = { message: string; details: string[] };

/** What the server refused and why, with the field errors no field on the form can show. */
export function FormProblem({ problem }: { problem: FormProblemValue | null }) {
  if (!problem) return null;
  return (
    <Alert tone="error" title={problem.message}>
      {problem.details.length > 0 ? (
        <ul className="list-disc pl-5">
          {problem.details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
