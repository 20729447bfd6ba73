import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConversionOrigin } from '../../domain/conversion.js';
import type { RawParams } from '../../domain/postback-params.js';
import { recordPostback } from '../../conversions/record-postback.js';
import { clickIdFromCookie } from '../click-cookie.js';
import type { EdgeDeps } from '../edge-plugin.js';
import { TRANSPARENT_GIF } from '../visitor-pages.js';

/**
 * `GET|POST /postback` (server to server) and `GET /pixel` (the browser, attributed by the click
 * cookie). Every well-formed postback is answered 200 with a one-line outcome, so the network sees
 * why; 400 when there is no click id; 503 only when storage is down, so the network retries.
 */
export function postbackRoutes(app: FastifyInstance, deps: EdgeDeps): void {
  // Networks post forms as often as JSON; parse both into the same flat parameters.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const schema = { tags: ['tracking'], summary: 'S2S conversion postback: clickid (cid, subid, click_id), sum (payout, revenue, amount), type (et, event), status, event_id (rdtk_event_id, txid, tid, transaction_id), currency, token, plus the offer source’s additional parameters' };
  app.get('/postback', { schema }, (request, reply) => handle(request, reply, 'postback'));
  app.post('/postback', { schema }, (request, reply) => handle(request, reply, 'postback'));
  app.get('/pixel', { schema: { tags: ['tracking'], summary: 'Conversion pixel (image, or JavaScript with format=js), attributed through the click cookie' } }, (request, reply) =>
    handle(request, reply, 'pixel'),
  );

  async function handle(request: FastifyRequest, reply: FastifyReply, origin: ConversionOrigin) {
    const params = flatten(request.query, request.body);
    reply.header('cache-control', 'no-store');
    let result;
    try {
      result = await recordPostback(deps.conversions, {
        params,
        method: request.method,
        sourceIp: deps.clientIp(request),
        origin,
        cookieClickId: origin === 'pixel' ? clickIdFromCookie(request.headers.cookie) : undefined,
      });
    } catch (error) {
      deps.logStoreFailure(error);
      return reply.code(503).header('retry-after', '30').type('text/plain; charset=utf-8').send('unavailable: storage is down, retry later\n');
    }
    deps.metrics.postbacks.inc({ outcome: result.outcome });
    if (origin === 'pixel') {
      if (params.format === 'js') return reply.type('application/javascript; charset=utf-8').send(`/* waypost: ${result.outcome} */\n`);
      return reply.type('image/gif').send(TRANSPARENT_GIF);
    }
    return reply.code(result.httpStatus).type('text/plain; charset=utf-8').send(`${result.outcome}: ${result.reason}\n`);
  }
}

/** Query and body merged (body wins), first value of each parameter, names lowercased. */
function flatten(query: unknown, body: unknown): RawParams {
  const params: RawParams = {};
  for (const source of [query, body]) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [name, raw] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined || value === null || typeof value === 'object') continue;
      params[name.toLowerCase().slice(0, 64)] = String(value).slice(0, 2000);
    }
  }
  return params;
}
