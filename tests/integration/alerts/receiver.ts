/** A real HTTP receiver on loopback for webhook tests: records every request and answers as the test says. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
};

/** A status code, a redirect, or `hang`: accept the request and never answer. */
export type Answer = number | { redirect: string } | 'hang';

export type Receiver = {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  received: ReceivedRequest[];
  /** Decides the answer to the n-th request (0-based). */
  answer: (n: number) => Answer;
  close: () => Promise<void>;
};

export async function startReceiver(answer: (n: number) => Answer = () => 200): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const receiver = { received, answer } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = receiver.answer(n);
      if (reply === 'hang') return;
      if (typeof reply === 'object') {
        res.writeHead(302, { location: reply.redirect }).end();
        return;
      }
      res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.origin = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
