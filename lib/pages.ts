import 'server-only';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';

/**
 * A read verb's "not found", or an id in the URL that is not an id at all, as the page's 404: both mean the
 * same to someone following a link.
 */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'validation')) notFound();
    throw error;
  }
}
