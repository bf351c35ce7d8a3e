/**
 * Definitions as code: export a project's catalog as one YAML file, and import such a file into a project.
 *
 * Import is a dry run unless asked to apply. Either way it parses the file, checks it against the strict
 * file schema and every name it refers to, diffs it against the project, and then runs the writes through
 * the service verbs inside one transaction: a dry run rolls that transaction back, an apply commits it. So a
 * dry run that passes proves the apply would, and a failing item anywhere leaves nothing written.
 */
import { createHash } from 'node:crypto';
import { requireRole, withTransaction, type ServiceContext } from '@/lib/context';
import { AppError, conflict, forbidden, parseInput, type FieldErrors } from '@/lib/errors';
import { hasRole } from '@/lib/auth/roles';
import { applyDefinitions, type ImportDeps } from './apply';
import { canonicalFile } from './canonical';
import { loadProjectCatalog } from './catalog';
import { countActions, planImport } from './plan';
import { checkReferences } from './references';
import { parseDefinitionsFile, problemsError, withLines } from './parse';
import {
  importDefinitionsInputSchema,
  type DefinitionPlanEntry,
  type DefinitionsFile,
  type DefinitionsImportResult,
} from './schemas';
import { formatPath, stringifyDefinitions } from './yaml';

export type DefinitionsExport = { filename: string; yaml: string };

/** The project's data sources (without secrets), fact tables, metrics and alert rules, as YAML. */
export async function exportDefinitions({ ctx }: { ctx: ServiceContext }): Promise<DefinitionsExport> {
  requireRole(ctx, 'viewer');
  const catalog = await loadProjectCatalog(ctx);
  return { filename: `${ctx.project.slug}-definitions.yaml`, yaml: stringifyDefinitions(catalog.file) };
}

/** What the plan says, as a fingerprint: apply refuses when it differs from the one that was reviewed. */
function fingerprint(entries: readonly DefinitionPlanEntry[]): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** Thrown inside the dry run's transaction so that everything it wrote is rolled back. */
class DryRunRollback extends Error {}

/**
 * Imports a definitions file: a dry run by default (nothing is written), all or nothing with `apply: true`.
 * Editors may import; creating or changing data sources needs the admin role, as in Sources.
 */
export async function importDefinitions({
  ctx,
  input,
  deps,
}: {
  ctx: ServiceContext;
  input: unknown;
  deps?: ImportDeps;
}): Promise<DefinitionsImportResult> {
  requireRole(ctx, 'editor');
  const { yaml, apply, expectedPlan } = parseInput(importDefinitionsInputSchema, input);
  const file = parseDefinitionsFile(yaml);
  const catalog = await loadProjectCatalog(ctx);
  const facts = {
    sourcesWithPassword: new Set(
      [...catalog.dataSources.values()].filter((s) => s.passwordSet).map((s) => s.name),
    ),
    memberEmails: new Set(catalog.members.keys()),
    ruleNameCounts: new Map([...catalog.alertRules].map(([name, ids]) => [name, ids.length])),
  };
  const entries = planImport({ file: canonicalFile(file), current: catalog.file, facts });

  const problems = checkReferences({ file, current: catalog.file, plan: entries, facts });
  if (Object.keys(problems).length > 0) {
    throw problemsError(withLines(problems, yaml), 'The file refers to things that do not exist.');
  }
  assertSourcesRole(ctx, file, entries);

  const plan = fingerprint(entries);
  if (apply && expectedPlan !== undefined && expectedPlan !== plan) {
    throw conflict('The project or the file changed since the preview: preview again, then apply.');
  }
  const result = { applied: apply, plan, entries, counts: countActions(entries) };
  if (!entries.some((e) => e.action === 'create' || e.action === 'update')) return result;

  const write = (tx: ServiceContext) => applyDefinitions(tx, { file, catalog, plan: entries, deps });
  try {
    if (apply) {
      await withTransaction(ctx, write);
    } else {
      await ctx.db.transaction(async (tx) => {
        await write({ ...ctx, db: tx });
        throw new DryRunRollback();
      });
    }
  } catch (error) {
    if (error instanceof DryRunRollback) return result;
    if (error instanceof AppError && error.fieldErrors) {
      throw new AppError(error.code, error.message, {
        fieldErrors: withLines(error.fieldErrors, yaml),
        cause: error,
      });
    }
    throw error;
  }
  return result;
}

/** Mirrors Sources: only admins create or change data sources, also through a file. */
function assertSourcesRole(
  ctx: ServiceContext,
  file: DefinitionsFile,
  entries: readonly DefinitionPlanEntry[],
): void {
  if (hasRole(ctx.role, 'admin')) return;
  const fieldErrors: FieldErrors = {};
  file.dataSources.forEach((source, i) => {
    const entry = entries.find((e) => e.resource === 'data_source' && e.name === source.name);
    if (entry && (entry.action === 'create' || entry.action === 'update')) {
      fieldErrors[formatPath(['dataSources', i])] =
        `${entry.action === 'create' ? 'Creating' : 'Changing'} a data source needs the admin role; you are a ${ctx.role}.`;
    }
  });
  if (Object.keys(fieldErrors).length === 0) return;
  const error = forbidden(
    `Creating or changing data sources needs the admin role in ${ctx.project.name}; you are a ${ctx.role}. Ask an admin, or leave the data sources as they are in the project.`,
  );
  throw new AppError(error.code, error.message, { fieldErrors });
}
