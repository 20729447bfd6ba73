import type { Logger } from 'pino';
import { sendOutboundGet } from '../../security/outbound-http.js';
import { OutboundUrlRefusedError, type OutboundUrlGuard } from '../../security/outbound-url-guard.js';
import type { ClaimedOutboxEntry, EntityStore } from '../../store/entity-store.js';

export interface OutboxSenderOptions {
  store: EntityStore;
  guard: OutboundUrlGuard;
  logger: Logger;
  now?: () => number;
  /** First retry after this long; each further one waits twice as long (default 30 s). */
  baseDelayMs?: number;
  /** Longest wait between two attempts (default 1 h). */
  maxDelayMs?: number;
  /** Attempts before a row is marked failed (default 8). */
  maxAttempts?: number;
  /** Per request, connection to last byte (default 10 s). */
  timeoutMs?: number;
  /** Rows taken per run (default 50) and sent at once (default 8). */
  batchSize?: number;
  concurrency?: number;
}

export const OUTBOX_DEFAULTS = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8, timeoutMs: 10_000, batchSize: 50, concurrency: 8 } as const;

/** The wait before the next attempt after `attemptsMade` failed ones: base × 2^(n−1), capped. */
export function retryDelayMs(attemptsMade: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
}

type Verdict = { kind: 'sent' } | { kind: 'retry'; error: string } | { kind: 'fail'; error: string };

/** 2xx is delivered; 429 and 5xx may pass with time; any other answer will not change by retrying. */
export function classifyStatus(statusCode: number, bodySnippet = ''): Verdict {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'sent' };
  const body = bodySnippet.replace(/\s+/g, ' ').trim().slice(0, 200);
  const error = `HTTP ${statusCode}${body ? `: ${body}` : ''}`;
  if (statusCode === 429 || (statusCode >= 500 && statusCode <= 599)) return { kind: 'retry', error };
  if (statusCode >= 300 && statusCode < 400) return { kind: 'fail', error: `${error} (redirects are not followed; use the final URL in the traffic channel)` };
  return { kind: 'fail', error };
}

/**
 * One run of the outbox: claim the due rows, send each (through the SSRF guard, with a timeout), log
 * every attempt with its status and latency, and settle the row — sent, retried later with
 * exponential backoff (network errors, timeouts, 5xx, 429), or failed (any other answer, a refused
 * URL, or the last attempt used).
 */
export async function sendDueOutbox(options: OutboxSenderOptions): Promise<{ claimed: number; sent: number; retrying: number; failed: number }> {
  const settings = { ...OUTBOX_DEFAULTS, ...definedOnly(options) };
  const now = options.now ?? Date.now;
  const leaseMs = settings.timeoutMs * 3 + 30_000;
  const rows = await options.store.outbox.claimDue(now(), settings.batchSize, leaseMs);
  const totals = { claimed: rows.length, sent: 0, retrying: 0, failed: 0 };
  let next = 0;
  const workers = Array.from({ length: Math.min(settings.concurrency, rows.length) }, async () => {
    while (next < rows.length) {
      const outcome = await sendOne(rows[next++]!);
      totals[outcome]++;
    }
  });
  await Promise.all(workers);
  return totals;

  async function sendOne(row: ClaimedOutboxEntry): Promise<'sent' | 'retrying' | 'failed'> {
    const attemptedAt = now();
    const started = performance.now();
    let statusCode: number | null = null;
    let verdict: Verdict;
    try {
      const response = await sendOutboundGet(row.url, { guard: options.guard, timeoutMs: settings.timeoutMs });
      statusCode = response.statusCode;
      verdict = classifyStatus(response.statusCode, response.bodySnippet);
    } catch (error) {
      verdict = error instanceof OutboundUrlRefusedError ? { kind: 'fail', error: error.message } : { kind: 'retry', error: networkErrorText(error) };
    }
    const latencyMs = Math.round(performance.now() - started);
    const attempt = row.attempts + 1;
    let state: 'sent' | 'pending' | 'failed';
    let lastError: string | null = null;
    let nextAttemptAt: number | null = null;
    if (verdict.kind === 'sent') state = 'sent';
    else if (verdict.kind === 'retry' && attempt < settings.maxAttempts) {
      state = 'pending';
      nextAttemptAt = now() + retryDelayMs(attempt, settings.baseDelayMs, settings.maxDelayMs);
      lastError = verdict.error;
    } else {
      state = 'failed';
      lastError = verdict.kind === 'retry' ? `${verdict.error} (gave up after ${attempt} attempts)` : verdict.error;
    }
    const error = verdict.kind === 'sent' ? null : verdict.error;
    const kept = await options.store.outbox.recordAttempt(row, { attemptedAt, statusCode, latencyMs, error }, { state, nextAttemptAt, lastError });
    const log = { outboxId: row.id, kind: row.kind, host: hostOf(row.url), attempt, statusCode, latencyMs, error, state, nextAttemptAt };
    if (!kept) options.logger.warn(log, 'outgoing postback attempt finished after its claim expired; the row was not updated');
    else if (state === 'failed') options.logger.warn(log, 'outgoing postback failed');
    else options.logger.info(log, state === 'sent' ? 'outgoing postback sent' : 'outgoing postback attempt failed; will retry');
    return state === 'sent' ? 'sent' : state === 'pending' ? 'retrying' : 'failed';
  }
}

function networkErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'OutboundTimeoutError') return `timed out: ${error.message}`;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

// The query may carry the channel's keys; logs name the host only.
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
