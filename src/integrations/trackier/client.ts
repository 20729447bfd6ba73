import { ConnectorError } from '../connector.js';
import { callPartner, excerptBody, readRetryAfter, resolvePartnerHttpOptions, type PartnerHttpOptions } from '../partner-http.js';
import { isRecord, readText } from '../wire-values.js';
import { TRACKIER_API_BASE, type TrackierSettings } from './trackier-settings.js';

export type TrackierClientOptions = PartnerHttpOptions;

export interface TrackierClient {
  readonly settings: TrackierSettings;
  /**
   * One GET of `{base}/{path}`; resolves to the parsed JSON body, or throws a ConnectorError with
   * Trackier's `error.message`. `what` names the call in messages (`campaigns page 3`).
   */
  get(path: string, query: Record<string, string | number>, what: string): Promise<Record<string, unknown>>;
}

const PARTNER = 'trackier';
// 429: over the 5 requests a second; 5xx: Trackier's own trouble, worth another try.
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export function createTrackierClient(settings: TrackierSettings, options: TrackierClientOptions): TrackierClient {
  const http = resolvePartnerHttpOptions(options);
  const base = (settings.baseUrl ?? TRACKIER_API_BASE).replace(/\/+$/, '');

  return {
    settings,
    async get(path, query, what) {
      const url = new URL(`${base}/${path}`);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
      const label = `GET ${what}`;
      // The key goes in the header only: campaigns would take it in the query too, where it would reach logs.
      const headers = { 'x-api-key': settings.apiKey, accept: 'application/json' };

      return callPartner(PARTNER, { partnerName: 'Trackier', what: label, url: url.href, headers }, http, (response) => {
        const status = response.statusCode;
        if (status < 200 || status > 299) {
          const partnerMessage = readErrorBody(response.bodySnippet);
          const error = new ConnectorError({
            partner: PARTNER,
            message: `Trackier ${label} answered HTTP ${status}${status === 429 ? ' (rate limited)' : ''}${partnerMessage ? `: ${partnerMessage}` : ''}`,
            partnerMessage,
            retryable: status === 429 || status >= 500,
            httpStatus: status,
          });
          return { ok: false, error, retry: RETRY_STATUSES.has(status), retryAfterMs: readRetryAfter(response.headers['retry-after']) };
        }
        if (response.bodyTruncated) {
          throw new ConnectorError({ partner: PARTNER, message: `Trackier ${label} answered more than ${http.maxBodyBytes} bytes; lower the page size`, retryable: false, httpStatus: status });
        }
        let body: unknown;
        try {
          body = JSON.parse(response.bodySnippet);
        } catch {
          throw new ConnectorError({ partner: PARTNER, message: `Trackier ${label} answered something other than JSON: ${excerptBody(response.bodySnippet)}`, retryable: false, httpStatus: status });
        }
        if (!isRecord(body)) throw new ConnectorError({ partner: PARTNER, message: `Trackier ${label} answered JSON that is not an object`, retryable: false, httpStatus: status });
        // The documented errors come with 4xx, but an envelope saying `success: false` is a refusal whatever the status.
        if (body.success === false) {
          const partnerMessage = readErrorMessage(body);
          throw new ConnectorError({ partner: PARTNER, message: `Trackier ${label} refused: ${partnerMessage ?? 'no error message given'}`, partnerMessage, retryable: false, httpStatus: status });
        }
        return { ok: true, value: body };
      });
    },
  };
}

/**
 * `{"success": false, "error": {"code": 13, "message": "Invalid API Key"}}`; the campaign list adds a
 * short `codeMsg` beside a longer `message`, which says more and is shown.
 */
function readErrorMessage(body: Record<string, unknown>): string | null {
  const error = body.error;
  if (isRecord(error)) return readText(error.message) ?? readText(error.codeMsg);
  return readText(error) ?? readText(body.message);
}

function readErrorBody(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const message = readErrorMessage(parsed);
      if (message) return message;
    }
  } catch {
    // not JSON: fall through to the text
  }
  const text = excerptBody(body);
  return text === '' ? null : text;
}
