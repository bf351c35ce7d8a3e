import { redirect } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/session';
import { listMyProjects } from '@/lib/projects/service';

export default async function Home() {
  const user = await requirePageUser();
  const projects = await listMyProjects(user);
  if (projects[0]) redirect(`/p/${projects[0].slug}/metrics`);
  redirect('/no-project');
}
