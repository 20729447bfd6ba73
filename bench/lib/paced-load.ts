import { Agent, request } from 'node:http';
import { summarize, type LoadRequest, type LoadResult } from './load.js';

const REQUEST_TIMEOUT_MS = 10_000;
const DRAIN_MS = 15_000;

export interface PacedLoadOptions {
  url: string;
  requests: LoadRequest[];
  /** Requests per second, spread evenly over every millisecond. */
  rate: number;
  /** At most this many requests in flight (keep-alive connections); more wait in the queue, and their wait counts. */
  connections: number;
  seconds: number;
  expectedStatus: number;
}

export interface PacedLoadResult extends LoadResult {
  /** Latency of the expected responses in milliseconds, from the moment each request was started to its last byte. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** Requests actually started per second (below `rate` only if the generator itself fell behind). */
  sentRate: number;
}

/**
 * Open-loop load at a fixed rate: requests start on schedule whether or not earlier ones were answered,
 * and a request that waits for a free connection counts its wait, so a slow server cannot hide its
 * queue (no coordinated omission). autocannon's `overallRate` is not used here: it sends each second's
 * quota in one burst at the start of the second and idles the rest, so its percentiles measure bursts.
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let connectionErrors = 0;
  let timeouts = 0;
  let sent = 0;
  let inFlight = 0;
  let allSent = false;
  // Set once the run is over: whatever still arrives is neither counted nor awaited.
  let closed = false;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const finishOne = () => {
    inFlight--;
    if (allSent && inFlight === 0) settle();
  };

  const send = () => {
    const startedAt = performance.now();
    const spec = options.requests[sent % options.requests.length]!;
    inFlight++;
    sent++;
    let done = false;
    const once = (record: () => void) => {
      if (done || closed) return;
      done = true;
      record();
      finishOne();
    };
    const outgoing = request({ agent, host: target.hostname, port: target.port, path: spec.path, method: 'GET', headers: spec.headers, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      response.resume();
      response.once('end', () =>
        once(() => {
          const status = String(response.statusCode);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (response.statusCode === options.expectedStatus) latencies.push(performance.now() - startedAt);
        }),
      );
      // A response cut off before its end is a connection error.
      response.once('close', () => once(() => connectionErrors++));
    });
    outgoing.once('timeout', () => {
      outgoing.destroy(new Error('timeout'));
      once(() => timeouts++);
    });
    outgoing.once('error', () => once(() => connectionErrors++));
    outgoing.end();
  };

  const interval = 1000 / options.rate;
  const start = performance.now();
  const end = start + options.seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Math.min(performance.now(), end);
      // Every request whose time has come starts now; timers fire every millisecond or so.
      while (start + sent * interval <= now) send();
      if (performance.now() >= end) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sendingSeconds = (performance.now() - start) / 1000;
  allSent = true;
  // Answers still missing after the drain time are timeouts; destroying the agent ends their requests.
  let drainTimer: NodeJS.Timeout | undefined;
  if (inFlight > 0) await Promise.race([settled, new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(drainTimer);
  timeouts += inFlight;
  closed = true;
  agent.destroy();

  const result = summarize(sendingSeconds, statuses, options.expectedStatus, connectionErrors, timeouts);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]! : Number.NaN);
  return { ...result, latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) }, sentRate: sent / sendingSeconds };
}
