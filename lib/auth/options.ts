import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { authSecret, env } from '@/lib/env';
import { BAD_CREDENTIALS_MESSAGE, credentialsSchema, verifyCredentials } from './credentials';
import { findUserByEmail } from './queries';

// A short session; every request also re-checks the user and session version in the database, so a
// deactivation or demotion takes effect on the next request, not when the cookie expires.
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

const tokenClaimsSchema = z.object({ uid: z.string(), sv: z.number().int() });

export function authOptions(): NextAuthOptions {
  const e = env();
  const oidcEnabled = Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse({ email: raw?.email, password: raw?.password });
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? BAD_CREDENTIALS_MESSAGE);
          const { db } = await getDb();
          const user = await verifyCredentials(db, parsed.data);
          return user ? { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion } : null;
        },
      }),
      ...(oidcEnabled
        ? [
            {
              id: 'oidc',
              name: e.OIDC_NAME,
              type: 'oauth' as const,
              wellKnown: `${e.OIDC_ISSUER}/.well-known/openid-configuration`,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              authorization: { params: { scope: 'openid email profile' } },
              idToken: true,
              checks: ['pkce' as const, 'state' as const],
              profile: (p: { sub: string; email?: string; name?: string }) => ({
                id: p.sub,
                email: p.email ?? null,
                name: p.name ?? p.email ?? p.sub,
              }),
            },
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        // OIDC proves who someone is; membership in Sightline is still granted by an admin.
        if (!user.email) return false;
        const { db } = await getDb();
        const known = await findUserByEmail(db, user.email);
        return Boolean(known?.isActive);
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === 'credentials') {
          const sv = (user as { sv?: number }).sv ?? 1;
          return { ...token, uid: user.id, sv };
        }
        if (user && account?.provider === 'oidc' && user.email) {
          const { db } = await getDb();
          const known = await findUserByEmail(db, user.email);
          if (known) return { ...token, uid: known.id, sv: known.sessionVersion };
        }
        return token;
      },
      async session({ session, token }) {
        const claims = tokenClaimsSchema.safeParse(token);
        return claims.success ? { ...session, uid: claims.data.uid, sv: claims.data.sv } : session;
      },
    },
  };
}

export const sessionClaimsSchema = tokenClaimsSchema;
