import autocannon from 'autocannon';
import { summarize, type LoadRequest, type LoadResult } from './load.js';

export interface PeakLoadOptions {
  url: string;
  /** Sent in turn by every connection. */
  requests: LoadRequest[];
  connections: number;
  seconds: number;
  expectedStatus: number;
}

/**
 * Closed-loop load: every connection sends its next request as soon as the previous answer arrives
 * (autocannon, pipelining 1), so the rate is the most the server answers at this concurrency.
 */
export async function peakLoad(options: PeakLoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 10,
    requests: options.requests.map((request) => ({ method: 'GET', path: request.path, headers: request.headers })),
  });
  const statuses: Record<string, number> = {};
  for (const [status, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = stat.count ?? 0;
  // autocannon counts timeouts among its errors.
  return summarize(result.duration, statuses, options.expectedStatus, result.errors - result.timeouts, result.timeouts);
}
