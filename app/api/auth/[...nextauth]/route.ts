import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';
import { guardSignInRequest } from '@/lib/auth/sign-in-guard';
import { AppError, toPublicError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ nextauth: string[] }> };

export async function GET(req: NextRequest, context: Context) {
  return NextAuth(authOptions())(req, context);
}

export async function POST(req: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth.join('/') !== 'callback/credentials') return NextAuth(authOptions())(req, context);
  let body: string;
  try {
    body = await guardSignInRequest(req);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // `url` keeps next-auth's client signIn() working: it reads the error from that URL's query.
    const url = new URL('/login', req.nextUrl.origin);
    url.searchParams.set('error', error.message);
    return Response.json(
      { url: url.toString(), error: toPublicError(error, '') },
      {
        status: error.status,
        headers: error.retryAfterSeconds ? { 'Retry-After': String(error.retryAfterSeconds) } : undefined,
      },
    );
  }
  const replay = new NextRequest(req.url, { method: 'POST', headers: req.headers, body });
  return NextAuth(authOptions())(replay, context);
}
