import { ConnectorError } from '../connector.js';
import { callPartner, excerptBody, readRetryAfter, resolvePartnerHttpOptions, type PartnerHttpOptions } from '../partner-http.js';
import { readText } from '../wire-values.js';
import type { CakeSettings } from './cake-settings.js';
import { readXmlRoot } from './xml-response.js';

export type CakeClientOptions = PartnerHttpOptions;

export interface CakeClient {
  readonly settings: CakeSettings;
  /**
   * One GET of `{baseUrl}/affiliates/api/{path}` with the key and affiliate id; resolves to the XML
   * root's content, or throws a ConnectorError with CAKE's message. `what` names the call (`OfferFeed page 3`).
   */
  get(path: string, params: Record<string, string | number>, what: string): Promise<Record<string, unknown>>;
}

const PARTNER = 'cake';
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
// CAKE's throttling wording is not documented; these words are how such refusals usually read.
const THROTTLE_MESSAGE = /rate limit|too many (requests|calls)|throttl/i;

export function createCakeClient(settings: CakeSettings, options: CakeClientOptions): CakeClient {
  const http = resolvePartnerHttpOptions(options);
  const base = settings.baseUrl.replace(/\/+$/, '');

  return {
    settings,
    async get(path, params, what) {
      const url = new URL(`${base}/affiliates/api/${path}`);
      // CAKE takes the key only in the query; messages name the call, never the URL.
      url.searchParams.set('api_key', settings.apiKey);
      url.searchParams.set('affiliate_id', settings.affiliateId);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
      const headers = { accept: 'text/xml, application/xml' };

      return callPartner(PARTNER, { partnerName: 'CAKE', what, url: url.href, headers }, http, (response) => {
        const status = response.statusCode;
        if (status < 200 || status > 299) {
          const partnerMessage = readErrorBody(response.bodySnippet);
          const error = new ConnectorError({
            partner: PARTNER,
            message: `CAKE ${what} answered HTTP ${status}${partnerMessage ? `: ${partnerMessage}` : ''}`,
            partnerMessage,
            retryable: status === 429 || status >= 500,
            httpStatus: status,
          });
          return { ok: false, error, retry: RETRY_STATUSES.has(status), retryAfterMs: readRetryAfter(response.headers['retry-after']) };
        }
        if (response.bodyTruncated) {
          throw new ConnectorError({ partner: PARTNER, message: `CAKE ${what} answered more than ${http.maxBodyBytes} bytes; lower the page size`, retryable: false, httpStatus: status });
        }
        let root: Record<string, unknown>;
        try {
          root = readXmlRoot(response.bodySnippet);
        } catch (error) {
          throw new ConnectorError({
            partner: PARTNER,
            message: `CAKE ${what} answered something other than XML (${(error as Error).message}): ${excerptBody(response.bodySnippet)}`,
            retryable: false,
            httpStatus: status,
          });
        }
        // Refusals (a bad key, a window too wide) come as HTTP 200 with <success>false</success>.
        if (readText(root.success)?.toLowerCase() === 'true') return { ok: true, value: root };
        const partnerMessage = readText(root.message) ?? readText(root.error) ?? readText(root.error_message);
        const error = new ConnectorError({
          partner: PARTNER,
          message: `CAKE ${what} refused: ${partnerMessage ?? 'no error message given'}`,
          partnerMessage,
          retryable: THROTTLE_MESSAGE.test(partnerMessage ?? ''),
          httpStatus: status,
        });
        return { ok: false, error, retry: error.retryable };
      });
    },
  };
}

/**
 * An .asmx service answers a missing or malformed parameter with HTTP 500 and a plain-text .NET
 * exception; its first line is the useful part. An XML body's <message> is read when there is one.
 */
function readErrorBody(body: string): string | null {
  try {
    const root = readXmlRoot(body);
    const message = readText(root.message);
    if (message) return message;
  } catch {
    // not XML: fall through to the text
  }
  const firstLine = body.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const text = excerptBody(firstLine);
  return text === '' ? null : text;
}
