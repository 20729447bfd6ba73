import { setTimeout as sleep } from 'node:timers/promises';
import { sendOutboundRequest, type OutboundResponse } from '../security/outbound-http.js';
import { OutboundUrlRefusedError, type OutboundUrlGuard } from '../security/outbound-url-guard.js';
import { ConnectorError } from './connector.js';

/** How a connector calls its partner; every field but the guard has a default per partner. */
export interface PartnerHttpOptions {
  guard: OutboundUrlGuard;
  timeoutMs?: number;
  /** Tries per call when the partner is throttling or overloaded, first one included. */
  attempts?: number;
  /** First back-off; doubled each time, and a Retry-After header wins, both up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxBodyBytes?: number;
}

export type ResolvedPartnerHttpOptions = Required<PartnerHttpOptions>;

const DEFAULTS: Omit<ResolvedPartnerHttpOptions, 'guard'> = {
  timeoutMs: 60_000,
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  // Whole offer pages must be parsed; a cap still keeps a runaway answer from filling memory.
  maxBodyBytes: 64 * 1024 * 1024,
};

export function resolvePartnerHttpOptions(options: PartnerHttpOptions, defaults: Partial<Omit<ResolvedPartnerHttpOptions, 'guard'>> = {}): ResolvedPartnerHttpOptions {
  const merged = { ...DEFAULTS, ...defaults };
  return {
    guard: options.guard,
    timeoutMs: options.timeoutMs ?? merged.timeoutMs,
    attempts: Math.max(1, options.attempts ?? merged.attempts),
    baseDelayMs: options.baseDelayMs ?? merged.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? merged.maxDelayMs,
    maxBodyBytes: options.maxBodyBytes ?? merged.maxBodyBytes,
  };
}

export interface PartnerRequest {
  /** The partner's name as people read it in messages: `TUNE`, `Everflow`. */
  partnerName: string;
  /** What is asked, for messages: `Affiliate_Offer::findAll`, `GET offersrunnable page 2`. Never a credential. */
  what: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * What the partner's answer means. `retry` asks for another try now (throttled, overloaded); a
 * failure without it ends the call at once, though `error.retryable` may still say a later run can succeed.
 */
export type PartnerVerdict<T> = { ok: true; value: T } | { ok: false; error: ConnectorError; retry: boolean; retryAfterMs?: number | null };

/**
 * One call to a partner API through the SSRF guard, tried again with exponential back-off while the
 * partner throttles or cannot be reached, a bounded number of times. `read` turns each answer into a
 * verdict (and may throw a ConnectorError itself). A refused URL is never retried.
 */
export async function callPartner<T>(
  partner: string,
  request: PartnerRequest,
  options: ResolvedPartnerHttpOptions,
  read: (response: OutboundResponse) => PartnerVerdict<T>,
): Promise<T> {
  const { partnerName, what } = request;
  for (let attempt = 1; ; attempt++) {
    let failure: ConnectorError;
    let retryAfterMs: number | null = null;
    try {
      const response = await sendOutboundRequest(request.url, {
        guard: options.guard,
        timeoutMs: options.timeoutMs,
        maxBodyBytes: options.maxBodyBytes,
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      const verdict = read(response);
      if (verdict.ok) return verdict.value;
      if (!verdict.retry) throw verdict.error;
      failure = verdict.error;
      retryAfterMs = verdict.retryAfterMs ?? null;
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      if (error instanceof OutboundUrlRefusedError) {
        throw new ConnectorError({ partner, message: `${partnerName} API URL ${error.message}`, retryable: false, cause: error });
      }
      // Timeouts, resets, DNS failures: the next try may get through.
      failure = new ConnectorError({ partner, message: `${partnerName} ${what} could not be reached: ${(error as Error).message}`, retryable: true, cause: error });
    }
    if (attempt >= options.attempts) {
      throw new ConnectorError({
        partner,
        message: `${failure.message} — gave up after ${options.attempts} tries`,
        partnerMessage: failure.partnerMessage,
        retryable: true,
        httpStatus: failure.httpStatus,
      });
    }
    const backoff = options.baseDelayMs * 2 ** (attempt - 1);
    await sleep(Math.min(options.maxDelayMs, retryAfterMs ?? backoff));
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function readRetryAfter(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** The start of an error body on one line, tags dropped: enough for a person to recognise it. */
export function excerptBody(text: string): string {
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}
