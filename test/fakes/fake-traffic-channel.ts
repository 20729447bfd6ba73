import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';

export interface ChannelHit {
  method: string;
  /** Path and query as received. */
  url: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  at: number;
  /** The status the fake answered. */
  status: number;
}

/**
 * A traffic channel's postback endpoint (Zeropark, Tonic, PropellerAds all take a GET with the click
 * id and payout in the query): records every hit and answers 200, unless told to fail the next N
 * hits, to answer one status every time, or to hang (for timeouts).
 */
export interface FakeTrafficChannel {
  /** `http://127.0.0.1:{port}` */
  url: string;
  hits: ChannelHit[];
  /** The next `count` hits get `status` (500 by default); then 200 again. */
  failNext(count: number, status?: number): void;
  /** Every hit gets `status` until reset. */
  alwaysAnswer(status: number): void;
  /** Hits are never answered (the client must time out). */
  hang(): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeTrafficChannel(): Promise<FakeTrafficChannel> {
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let fixedStatus: number | undefined;
  let hanging = false;
  const hits: ChannelHit[] = [];

  const server: Server = createServer((request, response) => {
    const parsed = new URL(request.url ?? '/', 'http://fake');
    let status = 200;
    if (failures.count > 0) {
      failures.count--;
      status = failures.status;
    } else if (fixedStatus !== undefined) {
      status = fixedStatus;
    }
    hits.push({ method: request.method ?? 'GET', url: request.url ?? '/', query: Object.fromEntries(parsed.searchParams), headers: request.headers, at: Date.now(), status });
    if (hanging) return; // never answers; the client's timeout ends it
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'OK' : status === 404 ? 'unknown postback endpoint' : 'temporary failure');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake channel did not bind');

  return {
    url: `http://127.0.0.1:${address.port}`,
    hits,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    alwaysAnswer(status) {
      fixedStatus = status;
    },
    hang() {
      hanging = true;
    },
    reset() {
      failures = { count: 0, status: 500 };
      fixedStatus = undefined;
      hanging = false;
      hits.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
