import type { DefinitionValues } from './form-values';

const TOP_LEVEL = new Set([
  'name',
  'description',
  'ownerId',
  'unit',
  'format',
  'direction',
  'interval',
  'lifecycle',
  'sensitivity',
]);
const OPERAND_FIELDS = new Set(['factTableId', 'aggregation', 'column']);

/** The operand fields shown for a definition, by where they live. */
function operandKeys(definition: DefinitionValues): string[] {
  if (definition.kind !== 'fact') return [];
  return definition.shape === 'single' ? ['operand'] : ['numerator', 'denominator'];
}

/**
 * Which field on the form shows a server error keyed by `path` (`definition.operand.rowFilterIds.2`,
 * `tags.1`), given the definition the form holds now; null when no field shows it, and the message goes to
 * the alert under the form instead.
 */
export function placeFieldError(path: string, definition: DefinitionValues): string | null {
  if (TOP_LEVEL.has(path)) return path;
  if (/^tags(\.\d+)?$/.test(path)) return 'tags';
  const [head, second, third] = path.split('.');
  if (head !== 'definition') return null;

  if (second !== undefined && operandKeys(definition).includes(second)) {
    if (third !== undefined && OPERAND_FIELDS.has(third) && path.split('.').length === 3) return path;
    if (third === 'rowFilterIds') return `definition.${second}.rowFilterIds`;
    return null;
  }
  switch (definition.kind) {
    case 'fact':
      if (definition.shape !== 'single') return null;
      if (second === 'breakdowns') return 'definition.breakdowns';
      if (second === 'topN' && (definition.breakdowns ?? []).length > 0) return path;
      return null;
    case 'sql':
      // The preview reports a warehouse refusal on the definition as a whole: for SQL that is the query.
      if (second === undefined || second === 'sql') return 'definition.sql';
      return second === 'dataSourceId' || second === 'valueKind' ? path : null;
    case 'composition':
      if (second === 'op' || second === 'a') return path;
      if (second === 'b') return definition.op === 'scale' ? null : path;
      if (second === 'k') return definition.op === 'scale' ? path : null;
      return null;
    default: {
      const never: never = definition;
      return never;
    }
  }
}
