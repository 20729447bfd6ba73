import { ConnectorError } from '../connector.js';
import { callPartner, excerptBody, readRetryAfter, resolvePartnerHttpOptions, type PartnerHttpOptions } from '../partner-http.js';
import { isRecord, readText } from '../wire-values.js';
import { TONIC_ADVERTISER_API, tonicPath, type TonicEndpoint } from './advertiser-endpoints.js';
import type { TonicSettings } from './tonic-settings.js';

export interface TonicClientOptions extends PartnerHttpOptions {
  /** The clock the token's lifetime is measured on (tests move it). */
  now?: () => number;
}

export interface TonicClient {
  /**
   * One call with the account's token in the `api-key` header; resolves to the parsed JSON body, or
   * throws a ConnectorError with Tonic's `{"error", "message"}`. A token that has expired, or that
   * Tonic refuses, is renewed with a new login and the call sent again, once.
   */
  request(call: { endpoint: TonicEndpoint; id?: string; query?: Record<string, string>; body?: unknown; what: string }): Promise<unknown>;
  /** Logs in now (the connection test): Tonic's own refusal (INVALID_LOGIN, ACCOUNT_BLOCKED) as a ConnectorError. */
  login(): Promise<void>;
}

const PARTNER = 'tonic';
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
// Renewed this long before the token's announced end, so a call never races its expiry.
const RENEW_MARGIN_MS = 5 * 60_000;

/** Tonic's error codes that mean the token, not the request, is wrong: a new login cures them. */
const TOKEN_ERROR = /TOKEN|API[_-]?KEY|UNAUTHORI[SZ]ED|SESSION/i;

type Answer = { kind: 'body'; body: unknown } | { kind: 'token_refused'; error: ConnectorError };

export function createTonicClient(settings: TonicSettings, options: TonicClientOptions): TonicClient {
  const http = resolvePartnerHttpOptions(options);
  const now = options.now ?? Date.now;
  const base = (settings.baseUrl ?? TONIC_ADVERTISER_API.baseUrl).replace(/\/+$/, '');
  let token: { value: string; renewAt: number } | undefined;
  let loggingIn: Promise<string> | undefined;

  const send = (endpoint: TonicEndpoint, path: string, what: string, headers: Record<string, string>, query?: Record<string, string>, body?: unknown): Promise<Answer> => {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    const label = `${endpoint.method} ${what}`;
    return callPartner<Answer>(
      PARTNER,
      {
        partnerName: 'Tonic',
        what: label,
        url: url.href,
        method: endpoint.method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      http,
      (response) => {
        const status = response.statusCode;
        if (status < 200 || status > 299) {
          const { code, message } = readTonicError(response.bodySnippet);
          const partnerMessage = message ?? code;
          const error = new ConnectorError({
            partner: PARTNER,
            message: `Tonic ${label} answered HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
            partnerMessage,
            retryable: status === 429 || status >= 500,
            httpStatus: status,
          });
          const tokenRefused = 'api-key' in headers && (status === 401 || (status === 403 && code !== null && TOKEN_ERROR.test(code)));
          if (tokenRefused) return { ok: true, value: { kind: 'token_refused', error } };
          return { ok: false, error, retry: RETRY_STATUSES.has(status), retryAfterMs: readRetryAfter(response.headers['retry-after']) };
        }
        if (response.bodyTruncated) {
          throw new ConnectorError({ partner: PARTNER, message: `Tonic ${label} answered more than ${http.maxBodyBytes} bytes`, retryable: false, httpStatus: status });
        }
        if (response.bodySnippet.trim() === '') return { ok: true, value: { kind: 'body', body: null } };
        try {
          return { ok: true, value: { kind: 'body', body: JSON.parse(response.bodySnippet) as unknown } };
        } catch {
          throw new ConnectorError({ partner: PARTNER, message: `Tonic ${label} answered something other than JSON: ${excerptBody(response.bodySnippet)}`, retryable: false, httpStatus: status });
        }
      },
    );
  };

  const login = async (): Promise<string> => {
    const answer = await send(TONIC_ADVERTISER_API.auth, TONIC_ADVERTISER_API.auth.path, 'auth', {}, undefined, { email: settings.email, password: settings.password });
    const body = answer.kind === 'body' ? answer.body : null;
    const value = isRecord(body) ? readText(body.token) : null;
    if (!value) throw new ConnectorError({ partner: PARTNER, message: 'Tonic answered the login without a token', retryable: false });
    token = { value, renewAt: now() + settings.tokenLifetimeMinutes * 60_000 - RENEW_MARGIN_MS };
    return value;
  };

  // Calls made together while no token is valid share one login.
  const currentToken = (): Promise<string> => {
    if (token && now() < token.renewAt) return Promise.resolve(token.value);
    loggingIn ??= login().finally(() => {
      loggingIn = undefined;
    });
    return loggingIn;
  };

  return {
    async login() {
      await login();
    },

    async request({ endpoint, id, query, body, what }) {
      const path = tonicPath(endpoint, id);
      let used = await currentToken();
      let answer = await send(endpoint, path, what, { 'api-key': used }, query, body);
      if (answer.kind === 'token_refused') {
        // Expired early or revoked: a new login, unless another call already made one, then the same call once more.
        if (token?.value === used) token = undefined;
        used = await currentToken();
        answer = await send(endpoint, path, what, { 'api-key': used }, query, body);
        if (answer.kind === 'token_refused') throw answer.error;
      }
      return answer.body;
    },
  };
}

/** Tonic's errors are `{"error": "INVALID_LOGIN", "message": "Username or Password not correct!"}`. */
function readTonicError(body: string): { code: string | null; message: string | null } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) return { code: readText(parsed.error), message: readText(parsed.message) };
  } catch {
    // not JSON: the text itself
  }
  const text = excerptBody(body);
  return { code: null, message: text === '' ? null : text };
}
