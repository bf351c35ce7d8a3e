import { get } from 'react-hook-form';

function messageOf(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object' || !('message' in node)) return undefined;
  return typeof node.message === 'string' && node.message !== '' ? node.message : undefined;
}

/**
 * The first error message at a path or on one of its entries: a list field (tags, row filters, breakdowns)
 * gets errors per index (`tags.2`) but shows them once, beside the whole list.
 */
export function errorUnder(errors: object, path: string): string | undefined {
  const node: unknown = get(errors, path);
  const own = messageOf(node);
  if (own !== undefined || !Array.isArray(node)) return own;
  for (const entry of node as unknown[]) {
    const message = messageOf(entry);
    if (message !== undefined) return message;
  }
  return undefined;
}
