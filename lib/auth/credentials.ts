import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { safeText } from '@/lib/text';
import { verifyPassword } from './password';
import { findUserByEmail } from './queries';

export const credentialsSchema = z.object({
  email: safeText({ label: 'Email', max: 320, min: 1 }).pipe(z.email('Enter a valid email address.')),
  password: safeText({ label: 'Password', max: 1024, min: 1 }),
});

export type Credentials = z.infer<typeof credentialsSchema>;
export type SignedInUser = { id: string; email: string; name: string; sessionVersion: number };

/** One answer for unknown users, wrong passwords and deactivated accounts: sign-in must not reveal which. */
export const BAD_CREDENTIALS_MESSAGE = 'Email or password is incorrect.';

export async function verifyCredentials(db: DbOrTx, input: Credentials): Promise<SignedInUser | null> {
  const user = await findUserByEmail(db, input.email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk || !user.isActive) return null;
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
