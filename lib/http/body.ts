import { AppError } from '@/lib/errors';

/**
 * Reads a request body as text, refusing more than maxBytes without buffering the excess: a declared
 * Content-Length over the cap is refused before reading, a chunked body is cut off as soon as it passes it.
 */
export async function readBodyCapped(req: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new AppError('payload_too_large', `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`);
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The client address for rate limiting: the first X-Forwarded-For hop when behind a proxy. */
export function clientAddress(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || req.headers.get('x-real-ip') || 'unknown';
}
