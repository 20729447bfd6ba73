import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookReport } from '../domain/rule-log.js';
import { sendOutboundRequest } from '../security/outbound-http.js';
import { OutboundUrlRefusedError, type OutboundUrlGuard } from '../security/outbound-url-guard.js';

export interface WebhookOptions {
  guard: OutboundUrlGuard;
  /** Tries, the first included; network errors, timeouts, 5xx and 429 are tried again. */
  attempts?: number;
  /** Wait before the second try, doubled for each further one. */
  baseDelayMs?: number;
  timeoutMs?: number;
}

/**
 * One JSON POST through the outbound URL guard (a rule's URL is the user's, so it may not reach
 * private addresses unless allowed). A 2xx succeeds; a refused URL or another 4xx fails at once.
 */
export async function notifyWebhook(url: string, body: unknown, options: WebhookOptions): Promise<WebhookReport> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const payload = JSON.stringify(body);
  let last: WebhookReport = { state: 'failed', attempts: 0, statusCode: null, error: 'not sent' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await sendOutboundRequest(url, {
        guard: options.guard,
        method: 'POST',
        timeoutMs: options.timeoutMs ?? 10_000,
        headers: { 'content-type': 'application/json' },
        body: payload,
        maxBodyBytes: 1024,
      });
      const text = response.bodySnippet.slice(0, 500);
      if (response.statusCode >= 200 && response.statusCode < 300) return { state: 'succeeded', attempts: attempt, statusCode: response.statusCode, response: text };
      last = { state: 'failed', attempts: attempt, statusCode: response.statusCode, error: `HTTP ${response.statusCode}${text ? `: ${text}` : ''}` };
      if (response.statusCode < 500 && response.statusCode !== 429) return last;
    } catch (error) {
      last = { state: 'failed', attempts: attempt, statusCode: null, error: (error as Error).message };
      if (error instanceof OutboundUrlRefusedError) return last;
    }
    if (attempt < attempts) await sleep((options.baseDelayMs ?? 2000) * 2 ** (attempt - 1));
  }
  return last;
}
