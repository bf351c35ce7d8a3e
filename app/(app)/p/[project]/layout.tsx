import type { ReactNode } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { requirePageContext, requirePageUser } from '@/lib/auth/session';
import { listMyProjects } from '@/lib/projects/service';

export default async function ProjectLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ project: string }>;
}) {
  const { project: slug } = await params;
  const ctx = await requirePageContext(slug);
  const user = await requirePageUser();
  const projects = await listMyProjects(user);
  return (
    <AppShell project={ctx.project} projects={projects} user={user} role={ctx.role}>
      {children}
    </AppShell>
  );
}
