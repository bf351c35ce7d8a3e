import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { getSessionUser } from '@/lib/auth/session';
import { oidcProviderName } from '@/lib/auth/providers';

export const metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  if (await getSessionUser()) redirect('/');
  const { error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="mb-6 flex items-center gap-2">
          {/* eslint-disable-next-line @next/next/no-img-element -- a 28px static SVG needs no image pipeline */}
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="text-lg font-semibold">Sightline</span>
        </div>
        <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
        <p className="mb-6 text-sm text-slate-600 dark:text-slate-400">Your metrics, watched.</p>
        <LoginForm
          initialError={typeof error === 'string' ? error : undefined}
          oidcName={oidcProviderName()}
        />
      </div>
    </main>
  );
}
