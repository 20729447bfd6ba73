import type { IncomingHttpHeaders } from 'node:http';
import { ConnectorError } from '../connector.js';
import { callPartner, excerptBody, readRetryAfter, resolvePartnerHttpOptions, type PartnerHttpOptions } from '../partner-http.js';
import { isRecord, readInteger, readText } from '../wire-values.js';
import { EVERFLOW_API_BASES, type EverflowSettings } from './everflow-settings.js';

export type EverflowClientOptions = PartnerHttpOptions;

export interface EverflowClient {
  readonly settings: EverflowSettings;
  /**
   * One call to `{base}/{path}`; resolves to the parsed JSON body, or throws a ConnectorError with
   * Everflow's `{"error": …}` message. `what` names the call in messages (`offersrunnable page 3`).
   */
  request(call: { method: 'GET' | 'POST'; path: string; query?: Record<string, string | number>; body?: unknown; what: string }): Promise<unknown>;
}

const PARTNER = 'everflow';
// 429: over the rate limit until the 30 s window resets; 500 and gateway errors: Everflow asks for a retry with back-off.
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export function createEverflowClient(settings: EverflowSettings, options: EverflowClientOptions): EverflowClient {
  // Six tries back off 1+2+4+8+16 s: together longer than one 30 s rate-limit window.
  const http = resolvePartnerHttpOptions(options, { attempts: 6 });
  const base = (settings.baseUrl ?? EVERFLOW_API_BASES[settings.region]).replace(/\/+$/, '');

  return {
    settings,
    async request({ method, path, query = {}, body, what }) {
      const url = new URL(`${base}/${path}`);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = { 'x-eflow-api-key': settings.apiKey, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const label = `${method} ${what}`;

      return callPartner(
        PARTNER,
        { partnerName: 'Everflow', what: label, url: url.href, method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
        http,
        (response) => {
          const status = response.statusCode;
          if (status < 200 || status > 299) {
            const partnerMessage = readErrorMessage(response.bodySnippet);
            const error = new ConnectorError({
              partner: PARTNER,
              message:
                status === 429
                  ? `Everflow ${label} answered HTTP 429 (rate limited${describeRateLimit(response.headers)})`
                  : `Everflow ${label} answered HTTP ${status}${partnerMessage ? `: ${partnerMessage}` : ''}`,
              partnerMessage,
              retryable: status === 429 || status >= 500,
              httpStatus: status,
            });
            return { ok: false, error, retry: RETRY_STATUSES.has(status), retryAfterMs: readRetryAfter(response.headers['retry-after']) };
          }
          if (response.bodyTruncated) {
            throw new ConnectorError({ partner: PARTNER, message: `Everflow ${label} answered more than ${http.maxBodyBytes} bytes; lower the page size`, retryable: false, httpStatus: status });
          }
          try {
            return { ok: true, value: JSON.parse(response.bodySnippet) as unknown };
          } catch {
            throw new ConnectorError({ partner: PARTNER, message: `Everflow ${label} answered something other than JSON: ${excerptBody(response.bodySnippet)}`, retryable: false, httpStatus: status });
          }
        },
      );
    },
  };
}

/** Everflow's errors are `{"error": "descriptive message"}`; anything else is shown by its first words. */
function readErrorMessage(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const error = parsed.error;
      const message = isRecord(error) ? readText(error.message) : readText(error);
      if (message) return message;
      if (readText(parsed.message)) return readText(parsed.message);
    }
  } catch {
    // not JSON: fall through to the text
  }
  const text = excerptBody(body);
  return text === '' ? null : text;
}

/** `X-RateLimit-Limit` counts requests per 30 s window; both headers help a person see whose traffic used it. */
function describeRateLimit(headers: IncomingHttpHeaders): string {
  const limit = readInteger(headers['x-ratelimit-limit']);
  const remaining = readInteger(headers['x-ratelimit-remaining']);
  if (limit === null) return '';
  return `: ${remaining ?? 0} of ${limit} requests left in the 30 s window, shared with the network's other affiliates`;
}
