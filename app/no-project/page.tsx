import { requirePageUser } from '@/lib/auth/session';
import { SignOutButton } from '@/components/auth/sign-out-button';

export const metadata = { title: 'No project' };

export default async function NoProjectPage() {
  const user = await requirePageUser();
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">You are not in any project yet</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        Signed in as {user.email}. Ask an admin of your Sightline project to add you as a member, then sign in
        again.
      </p>
      <div className="mt-6 flex justify-center">
        <SignOutButton />
      </div>
    </main>
  );
}
