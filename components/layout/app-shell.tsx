import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { Badge } from '@/components/ui/badge';
import { NavLinks } from './nav-links';

export type ShellProps = {
  project: { slug: string; name: string };
  projects: { slug: string; name: string }[];
  user: { name: string; email: string };
  role: string;
  children: ReactNode;
};

export function AppShell({ project, projects, user, role, children }: ShellProps) {
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-slate-50 px-3 py-4 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/" className="mb-6 flex items-center gap-2 px-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a 24px static SVG needs no image pipeline */}
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span className="text-base font-semibold">Sightline</span>
        </Link>
        <div className="mb-4 px-3">
          <p className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">Project</p>
          {projects.length > 1 ? (
            <ul className="mt-1 space-y-0.5">
              {projects.map((p) => (
                <li key={p.slug}>
                  <Link
                    href={`/p/${p.slug}/metrics`}
                    className={
                      p.slug === project.slug
                        ? 'font-semibold'
                        : 'text-slate-600 hover:underline dark:text-slate-400'
                    }
                  >
                    {p.name}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 font-semibold">{project.name}</p>
          )}
        </div>
        <NavLinks projectSlug={project.slug} />
        <div className="mt-auto border-t border-slate-200 px-3 pt-4 text-sm dark:border-slate-800">
          <p className="truncate font-medium" title={user.email}>
            {user.name}
          </p>
          <p className="mb-2 flex items-center gap-2 text-slate-500 dark:text-slate-400">
            <span className="truncate">{user.email}</span>
            <Badge tone="blue">{role}</Badge>
          </p>
          <SignOutButton />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
