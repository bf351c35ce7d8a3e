import Link from 'next/link';
import type { CatalogQuery } from '@/lib/metrics/schemas';
import { toCatalogSearch } from '@/lib/metrics/search-params';

const LINK = 'rounded-md px-2 py-1 font-medium text-brand-700 hover:underline dark:text-brand-100';

/** Which rows of how many, and the pages before and after this one (absent on a single page). */
export function CatalogPager({
  query,
  path,
  page,
  pageCount,
  pageSize,
  matching,
}: {
  query: CatalogQuery;
  path: string;
  page: number;
  pageCount: number;
  pageSize: number;
  matching: number;
}) {
  if (pageCount <= 1) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, matching);
  const href = (to: number) => `${path}${toCatalogSearch({ ...query, page: to })}`;
  return (
    <nav aria-label="Pages" className="mt-3 flex items-center justify-between gap-3 text-sm">
      <p className="text-slate-600 dark:text-slate-400">
        {first}–{last} of {matching} metrics, page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        {page > 1 ? (
          <Link href={href(page - 1)} className={LINK}>
            Previous page
          </Link>
        ) : null}
        {page < pageCount ? (
          <Link href={href(page + 1)} className={LINK}>
            Next page
          </Link>
        ) : null}
      </div>
    </nav>
  );
}
