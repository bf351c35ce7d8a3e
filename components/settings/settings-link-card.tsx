import Link from 'next/link';

/** A card that leads to another settings area. */
export function SettingsLinkCard({
  href,
  title,
  description,
}: {
  href: string;
  title: string;
  description: string;
}) {
  return (
    <Link
      href={href}
      className="block rounded-lg border border-slate-200 p-4 hover:border-brand-500 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500/40 dark:border-slate-800 dark:hover:bg-slate-900"
    >
      <span className="block font-medium">{title} →</span>
      <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{description}</span>
    </Link>
  );
}
