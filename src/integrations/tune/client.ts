import { ConnectorError } from '../connector.js';
import { callPartner, excerptBody, readRetryAfter, resolvePartnerHttpOptions, type PartnerHttpOptions } from '../partner-http.js';
import { isRecord, readText } from '../wire-values.js';
import { appendPhpParams, type PhpParam } from './php-params.js';
import type { TuneSettings } from './tune-settings.js';

export type TuneClientOptions = PartnerHttpOptions;

export interface TuneClient {
  readonly settings: TuneSettings;
  /** One API call; resolves to `response.data`, or throws a ConnectorError with TUNE's message. */
  call(target: string, method: string, params?: Record<string, PhpParam | undefined>): Promise<unknown>;
}

const PARTNER = 'tune';
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
// TUNE's throttling message is not documented; these words are how such envelopes usually read.
const THROTTLE_MESSAGE = /rate limit|too many (requests|calls)|throttl/i;

export function createTuneClient(settings: TuneSettings, options: TuneClientOptions): TuneClient {
  const http = resolvePartnerHttpOptions(options);
  const endpoint = new URL(settings.baseUrl ?? `https://${settings.networkId}.api.hasoffers.com/Apiv3/json`);
  // The generic api.hasoffers.com host learns the network from NetworkId; the network's own host knows it.
  const sendNetworkId = !endpoint.hostname.toLowerCase().startsWith(`${settings.networkId.toLowerCase()}.`);

  return {
    settings,
    async call(target, method, params = {}) {
      const url = new URL(endpoint);
      const query = url.searchParams;
      query.set(settings.api === 'network' ? 'NetworkToken' : 'api_key', settings.apiKey);
      if (sendNetworkId) query.set('NetworkId', settings.networkId);
      query.set('Target', target);
      query.set('Method', method);
      appendPhpParams(query, params);
      const what = `${target}::${method}`;

      return callPartner(PARTNER, { partnerName: 'TUNE', what, url: url.href }, http, (response) => {
        if (response.statusCode < 200 || response.statusCode > 299) {
          const error = new ConnectorError({
            partner: PARTNER,
            message: `TUNE ${what} answered HTTP ${response.statusCode}${response.statusCode === 429 ? ' (too many requests)' : ''}`,
            partnerMessage: readErrorBody(response.bodySnippet),
            retryable: response.statusCode === 429 || response.statusCode >= 500,
            httpStatus: response.statusCode,
          });
          return { ok: false, error, retry: RETRY_STATUSES.has(response.statusCode), retryAfterMs: readRetryAfter(response.headers['retry-after']) };
        }
        if (response.bodyTruncated) {
          throw new ConnectorError({ partner: PARTNER, message: `TUNE ${what} answered more than ${http.maxBodyBytes} bytes; lower the page size`, retryable: false, httpStatus: 200 });
        }
        const envelope = parseEnvelope(response.bodySnippet, what);
        if (envelope.ok) return { ok: true, value: envelope.data };
        const error = new ConnectorError({
          partner: PARTNER,
          message: `TUNE ${what} refused: ${envelope.message ?? 'no error message given'}`,
          partnerMessage: envelope.message,
          retryable: THROTTLE_MESSAGE.test(envelope.message ?? ''),
          httpStatus: 200,
        });
        return { ok: false, error, retry: error.retryable };
      });
    },
  };
}

type Envelope = { ok: true; data: unknown } | { ok: false; message: string | null };

/** HTTP 200 with `response.status` 1 is success; anything else (in practice -1) carries the error. */
function parseEnvelope(body: string, what: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ConnectorError({ partner: PARTNER, message: `TUNE ${what} answered something other than JSON: ${excerptBody(body)}`, retryable: false, httpStatus: 200 });
  }
  const response = isRecord(parsed) ? parsed.response : undefined;
  if (!isRecord(response)) throw new ConnectorError({ partner: PARTNER, message: `TUNE ${what} answered JSON without a "response" object`, retryable: false, httpStatus: 200 });
  if (String(response.status) === '1') return { ok: true, data: response.data };
  return { ok: false, message: readErrorMessage(response) };
}

/** `errorMessage`, else `errors[0].err_msg` / `publicMessage`, else `errors.publicMessage` (seen as an object too). */
function readErrorMessage(response: Record<string, unknown>): string | null {
  const direct = readText(response.errorMessage);
  if (direct) return direct;
  const errors = response.errors;
  const first = Array.isArray(errors) ? errors[0] : errors;
  if (isRecord(first)) return readText(first.err_msg) ?? readText(first.publicMessage) ?? readText(first.message);
  return readText(first);
}

/** A 4xx/5xx may still carry TUNE's envelope; otherwise the start of the body helps a person. */
function readErrorBody(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.response)) return readErrorMessage(parsed.response);
  } catch {
    // not JSON: fall through to the text
  }
  const text = excerptBody(body);
  return text === '' ? null : text;
}
