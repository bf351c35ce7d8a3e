import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        This page does not exist, or it belongs to a project you are not a member of.
      </p>
      <Link href="/" className="mt-6 inline-block text-brand-600 dark:text-brand-100 hover:underline">
        Back to your metrics
      </Link>
    </main>
  );
}
