import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { WAYPOST_USER_AGENT } from '../version.js';
import { pinnedLookup, type OutboundUrlGuard } from './outbound-url-guard.js';

export interface OutboundResponse {
  statusCode: number;
  /** The start of the body (the first `maxBodyBytes`), for error messages. */
  bodySnippet: string;
  /** True when the body was longer than `maxBodyBytes`; partner API clients must not parse it then. */
  bodyTruncated: boolean;
  headers: IncomingHttpHeaders;
  latencyMs: number;
}

export class OutboundTimeoutError extends Error {
  override name = 'OutboundTimeoutError';
}

const DEFAULT_BODY_KEPT = 2048;

export interface OutboundRequestOptions {
  guard: OutboundUrlGuard;
  timeoutMs: number;
  signal?: AbortSignal;
  maxBodyBytes?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Added to (or replacing) the User-Agent and Accept sent by default; partner APIs put their keys here. */
  headers?: Record<string, string>;
  /** Sent as is, with its Content-Length. */
  body?: string;
}

/**
 * One GET through the SSRF guard: the URL is checked (after DNS), the connection pinned to the
 * checked address, no redirect followed, and the whole exchange bounded by `timeoutMs`. Throws
 * OutboundUrlRefusedError for a refused URL and an ordinary Error for network failures and timeouts.
 */
export function sendOutboundGet(rawUrl: string, options: Omit<OutboundRequestOptions, 'method' | 'body'>): Promise<OutboundResponse> {
  return sendOutboundRequest(rawUrl, options);
}

/** The same for any method, headers and body (partner APIs: header keys, JSON report queries). */
export async function sendOutboundRequest(rawUrl: string, options: OutboundRequestOptions): Promise<OutboundResponse> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_BODY_KEPT;
  const started = performance.now();
  const checked = await options.guard.check(rawUrl);
  const { url } = checked;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const request = transport.request(
      {
        method: options.method ?? 'GET',
        protocol: url.protocol,
        hostname: checked.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        lookup: pinnedLookup(checked),
        servername: checked.address === checked.hostname ? undefined : checked.hostname,
        headers: {
          'user-agent': WAYPOST_USER_AGENT,
          accept: '*/*',
          ...options.headers,
          ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
        agent: false,
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept <= maxBodyBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            statusCode: response.statusCode ?? 0,
            bodySnippet: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
            bodyTruncated: kept > maxBodyBytes,
            headers: response.headers,
            latencyMs: performance.now() - started,
          });
        });
        response.on('error', fail);
      },
    );
    const timer = setTimeout(() => request.destroy(new OutboundTimeoutError(`no complete answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    request.on('error', fail);
    request.end(options.body);

    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
  });
}
