/**
 * API tokens: what the settings form sends and what the list shows. Client-safe: no database, no Node built-ins.
 */
import { z } from 'zod';
import { safeText } from '@/lib/text';

/** A token acts with one of these roles; managing members, sources and tokens stays with signed-in admins. */
export const TOKEN_ROLES = ['viewer', 'editor'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const TOKEN_NAME_MAX = 80;

export const createApiTokenInputSchema = z
  .object({
    name: safeText({ label: 'Name', max: TOKEN_NAME_MAX, min: 1 })
      .transform((s) => s.trim())
      .refine((s) => s.length > 0, 'Name is required.'),
    role: z.enum(TOKEN_ROLES, 'Pick viewer or editor.'),
  })
  .strict();
export type CreateApiTokenInput = z.input<typeof createApiTokenInputSchema>;

export const revokeApiTokenInputSchema = z.object({ tokenId: z.uuid('Unknown token.') }).strict();

/** A token as lists show it: never the token itself, never its hash. */
export type ApiTokenDto = {
  id: string;
  name: string;
  role: TokenRole;
  /** The first characters of the token, to tell tokens apart. */
  prefix: string;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/** What creating a token answers: the token itself, shown this once. */
export type CreatedApiToken = { token: ApiTokenDto; secret: string };
