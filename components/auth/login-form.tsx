'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

const MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Email or password is incorrect.',
  AccessDenied: 'Your account is not allowed into Sightline. Ask an admin to add you.',
  OAuthSignin: 'Single sign-on could not start. Try again, or use your email and password.',
  OAuthCallback: 'Single sign-on did not complete. Try again.',
  SessionRequired: 'Sign in to continue.',
};

export function describeSignInError(code: string): string {
  return MESSAGES[code] ?? code;
}

export function LoginForm({ initialError, oidcName }: { initialError?: string; oidcName?: string }) {
  const router = useRouter();
  const [error, setError] = useState(initialError ? describeSignInError(initialError) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        redirect: false,
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
      });
      if (result?.ok && !result.error) {
        router.replace('/');
        router.refresh();
        return;
      }
      setError(describeSignInError(result?.error ?? 'CredentialsSignin'));
    } catch {
      setError('Sightline could not be reached. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-6">
      <form
        onSubmit={onSubmit}
        className="space-y-4"
        noValidate
        aria-describedby={error ? 'login-error' : undefined}
      >
        <div>
          <label htmlFor="email" className="mb-1 block text-sm font-medium">
            Email
          </label>
          <Input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            aria-invalid={Boolean(error)}
          />
        </div>
        <div>
          <label htmlFor="password" className="mb-1 block text-sm font-medium">
            Password
          </label>
          <Input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={Boolean(error)}
          />
        </div>
        {error ? (
          <p
            id="login-error"
            role="alert"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {oidcName ? (
        <Button
          variant="secondary"
          className="w-full"
          onClick={() => void signIn('oidc', { callbackUrl: '/' })}
        >
          Continue with {oidcName}
        </Button>
      ) : null}
    </div>
  );
}
