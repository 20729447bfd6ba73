import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConversionOrigin } from '../../domain/conversion.js';
import type { RawParams } from '../../domain/postback-params.js';
import { recordPostback } from '../../conversions/record-postback.js';
import { clickIdFromCookie } from '../click-cookie.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { sendAnswer, type VisitorAnswer } from '../visitor-answer.js';
import { TRANSPARENT_GIF } from '../visitor-pages.js';

export interface PostbackRequest {
  /** The query, and for a POST the parsed body (it wins over the query). */
  sources: readonly unknown[];
  method: string;
  sourceIp: string;
  headers: IncomingHttpHeaders;
  origin: ConversionOrigin;
}

/**
 * `GET|POST /postback` (server to server) and `GET /pixel` (the browser, attributed by the click
 * cookie). The tracking listener (tracking-listener.ts) serves the GETs; these routes serve POSTs,
 * HEAD and the API reference.
 */
export function postbackRoutes(app: FastifyInstance, deps: EdgeDeps): void {
  // Networks post forms as often as JSON; parse both into the same flat parameters.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const schema = { tags: ['tracking'], summary: 'S2S conversion postback: clickid (cid, subid, click_id), sum (payout, revenue, amount), type (et, event), status, event_id (rdtk_event_id, txid, tid, transaction_id), currency, token, plus the offer source’s additional parameters' };
  app.get('/postback', { schema }, (request, reply) => handle(request, 'postback').then((answer) => sendAnswer(reply, answer)));
  app.post('/postback', { schema }, (request, reply) => handle(request, 'postback').then((answer) => sendAnswer(reply, answer)));
  app.get('/pixel', { schema: { tags: ['tracking'], summary: 'Conversion pixel (image, or JavaScript with format=js), attributed through the click cookie' } }, (request, reply) =>
    handle(request, 'pixel').then((answer) => sendAnswer(reply, answer)),
  );

  function handle(request: FastifyRequest, origin: ConversionOrigin): Promise<VisitorAnswer> {
    return answerPostback(deps, { sources: [request.query, request.body], method: request.method, sourceIp: deps.clientIp(request), headers: request.headers, origin });
  }
}

/**
 * Records a postback or pixel and says how it went: every well-formed postback is answered 200 with a
 * one-line outcome, so the network sees why; 400 when there is no click id; 503 only when storage is
 * down, so the network retries. A pixel always answers its image (or script).
 */
export async function answerPostback(deps: EdgeDeps, request: PostbackRequest): Promise<VisitorAnswer> {
  const params = flatten(request.sources);
  let result;
  try {
    result = await recordPostback(deps.conversions, {
      params,
      method: request.method,
      sourceIp: request.sourceIp,
      origin: request.origin,
      cookieClickId: request.origin === 'pixel' ? clickIdFromCookie(request.headers.cookie) : undefined,
    });
  } catch (error) {
    deps.logStoreFailure(error);
    return answer(503, 'text/plain; charset=utf-8', 'unavailable: storage is down, retry later\n', { 'retry-after': '30' });
  }
  deps.metrics.postbacks.inc({ outcome: result.outcome });
  if (request.origin === 'pixel') {
    if (params.format === 'js') return answer(200, 'application/javascript; charset=utf-8', `/* waypost: ${result.outcome} */\n`);
    return answer(200, 'image/gif', TRANSPARENT_GIF);
  }
  return textAnswer(result.httpStatus, `${result.outcome}: ${result.reason}\n`);
}

function textAnswer(status: number, text: string): VisitorAnswer {
  return answer(status, 'text/plain; charset=utf-8', text);
}

function answer(status: number, contentType: string, body: string | Buffer, extraHeaders: Record<string, string> = {}): VisitorAnswer {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return { status, headers: { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': String(length), ...extraHeaders }, body };
}

/** Query and body merged (body wins), first value of each parameter, names lowercased. */
function flatten(sources: readonly unknown[]): RawParams {
  const params: RawParams = {};
  for (const source of sources) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [name, raw] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined || value === null || typeof value === 'object') continue;
      params[name.toLowerCase().slice(0, 64)] = String(value).slice(0, 2000);
    }
  }
  return params;
}
