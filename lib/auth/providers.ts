import { env } from '@/lib/env';

/** The OIDC button's label when single sign-on is configured, undefined otherwise. */
export function oidcProviderName(): string | undefined {
  const e = env();
  return e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET ? e.OIDC_NAME : undefined;
}
