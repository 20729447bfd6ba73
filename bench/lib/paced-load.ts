import { connect, type Socket } from 'node:net';
import { summarize, type LoadRequest, type LoadResult } from './load.js';

const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
const DRAIN_MS = 15_000;
const HEADER_END = Buffer.from('\r\n\r\n');

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

/** One keep-alive connection carrying one request at a time. */
interface Connection {
  socket: Socket;
  /** When the request in flight was started (its wait in the queue included); -1 when idle. */
  startedAt: number;
  /** Bytes of a response that has not fully arrived yet. */
  partial: Buffer | undefined;
}

/**
 * Open-loop load at a fixed rate: requests start on schedule whether or not earlier ones were answered,
 * and a request that waits for a free connection counts its wait, so a slow server cannot hide its
 * queue (no coordinated omission). autocannon's `overallRate` is not used here: it sends each second's
 * quota in one burst at the start of the second and idles the rest, so its percentiles measure bursts.
 *
 * The connections are opened before the clock starts, as autocannon's are: otherwise the first few
 * hundred milliseconds of every run measure TCP set-up and the generator's own warm-up, which alone
 * put the p99 of a bare server near 10 ms. Requests are written as prepared bytes on plain sockets and
 * answers read by their Content-Length, so the generator adds little CPU and garbage of its own.
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const port = Number(target.port || 80);
  const prepared = options.requests.map((spec) => requestBytes(spec, target.host));
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

  const idle: Connection[] = [];
  const all = new Set<Connection>();
  /** Start times of requests waiting for a free connection, oldest first. */
  const queue: number[] = [];
  let queueHead = 0;

  const finishOne = () => {
    inFlight--;
    if (allSent && inFlight === 0) settle();
  };

  const dispatch = (connection: Connection, startedAt: number) => {
    connection.startedAt = startedAt;
    connection.socket.write(prepared[sent % prepared.length]!);
    sent++;
  };

  const release = (connection: Connection) => {
    connection.startedAt = -1;
    if (queueHead < queue.length) {
      dispatch(connection, queue[queueHead++]!);
      if (queueHead === queue.length) queue.length = queueHead = 0;
    } else {
      idle.push(connection);
    }
  };

  const onData = (connection: Connection, chunk: Buffer) => {
    const data = connection.partial ? Buffer.concat([connection.partial, chunk]) : chunk;
    connection.partial = undefined;
    const headerEnd = data.indexOf(HEADER_END);
    if (headerEnd === -1) {
      connection.partial = data;
      return;
    }
    const head = data.toString('latin1', 0, headerEnd);
    const length = contentLength(head);
    if (length === undefined) {
      // Chunked or close-delimited bodies are not what the servers under test send; count and reconnect.
      fail(connection, () => connectionErrors++);
      return;
    }
    const total = headerEnd + HEADER_END.length + length;
    if (data.length < total) {
      connection.partial = data;
      return;
    }
    if (connection.startedAt < 0 || closed) return;
    const status = head.slice(9, 12);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (Number(status) === options.expectedStatus) latencies.push(performance.now() - connection.startedAt);
    finishOne();
    release(connection);
  };

  /** A connection broke or timed out: its request (if any) is counted as failed and a new connection takes its place. */
  const fail = (connection: Connection, count: () => void) => {
    if (!all.has(connection)) return;
    all.delete(connection);
    connection.socket.destroy();
    const index = idle.indexOf(connection);
    if (index !== -1) idle.splice(index, 1);
    if (connection.startedAt >= 0 && !closed) {
      count();
      finishOne();
    }
    if (!closed) void open().then(release, () => {});
  };

  const open = () =>
    new Promise<Connection>((resolve, reject) => {
      const socket = connect({ host: target.hostname, port, noDelay: true });
      const connection: Connection = { socket, startedAt: -1, partial: undefined };
      const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        all.add(connection);
        socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
          if (connection.startedAt >= 0) fail(connection, () => timeouts++);
        });
        socket.on('data', (chunk: Buffer) => onData(connection, chunk));
        socket.on('error', () => fail(connection, () => connectionErrors++));
        socket.on('close', () => fail(connection, () => connectionErrors++));
        resolve(connection);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });

  idle.push(...(await Promise.all(Array.from({ length: options.connections }, open))));

  const interval = 1000 / options.rate;
  const start = performance.now();
  const end = start + options.seconds * 1000;
  let scheduled = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Math.min(performance.now(), end);
      // Every request whose time has come starts now; timers fire every millisecond or so.
      while (start + scheduled * interval <= now) {
        scheduled++;
        inFlight++;
        const startedAt = performance.now();
        const connection = idle.pop();
        if (connection) dispatch(connection, startedAt);
        else queue.push(startedAt);
      }
      if (performance.now() >= end) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sendingSeconds = (performance.now() - start) / 1000;
  allSent = true;
  // Answers still missing after the drain time are timeouts; closing the connections ends them.
  let drainTimer: NodeJS.Timeout | undefined;
  if (inFlight > 0) await Promise.race([settled, new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(drainTimer);
  timeouts += inFlight;
  closed = true;
  for (const connection of all) connection.socket.destroy();

  const result = summarize(sendingSeconds, statuses, options.expectedStatus, connectionErrors, timeouts);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]! : Number.NaN);
  return { ...result, latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) }, sentRate: scheduled / sendingSeconds };
}

/** The request as a keep-alive HTTP/1.1 client sends it. */
function requestBytes(spec: LoadRequest, host: string): Buffer {
  const headers = Object.entries({ host, connection: 'keep-alive', ...spec.headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.from(`GET ${spec.path} HTTP/1.1\r\n${headers.join('')}\r\n`, 'latin1');
}

/** The Content-Length of a response head; 0 when a response has neither it nor a chunked body (a bodiless 302). */
function contentLength(head: string): number | undefined {
  const lower = head.toLowerCase();
  if (lower.includes('\r\ntransfer-encoding:')) return undefined;
  const at = lower.indexOf('\r\ncontent-length:');
  if (at === -1) return 0;
  const lineEnd = lower.indexOf('\r\n', at + 17);
  const value = Number.parseInt(lower.slice(at + 17, lineEnd === -1 ? undefined : lineEnd), 10);
  return Number.isFinite(value) ? value : undefined;
}
