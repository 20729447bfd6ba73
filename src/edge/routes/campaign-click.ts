import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { clickCookie } from '../click-cookie.js';
import type { EdgeDeps } from '../edge-plugin.js';
import type { Query } from '../query-string.js';
import { recordVisit } from '../record-visit.js';
import { offerRedirectMode } from '../redirect-response.js';
import { sendAnswer, type VisitorAnswer } from '../visitor-answer.js';
import { notFoundPage } from '../visitor-pages.js';

export interface CampaignClickRequest {
  key: string;
  query: Query;
  remoteAddress: string;
  headers: IncomingHttpHeaders;
}

/**
 * `GET /c/{campaign}`: the click URL pasted into the traffic channel. Records the click, waits until
 * it is durable, and sends the visitor on. The tracking listener (tracking-listener.ts) serves most of
 * these; this route serves the rest (HEAD, unusual keys) and the API reference.
 */
export function campaignClickRoute(app: FastifyInstance, deps: EdgeDeps): void {
  app.get<{ Params: { key: string }; Querystring: Query }>(
    '/c/:key',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Campaign click URL: records the click, runs the funnel and redirects',
        description: 'Query: ref_id (the channel click id), sub1..sub20, cost, and any parameter the traffic channel maps.',
      },
    },
    async (request, reply) =>
      sendAnswer(
        reply,
        await answerCampaignClick(deps, {
          key: request.params.key,
          query: request.query,
          remoteAddress: request.socket.remoteAddress ?? '',
          headers: request.headers,
        }),
      ),
  );
}

export async function answerCampaignClick(deps: EdgeDeps, request: CampaignClickRequest): Promise<VisitorAnswer> {
  const entry = deps.state.snapshot().campaignByKey(request.key);
  if (!entry) {
    deps.metrics.clicks.inc({ outcome: 'unknown_campaign' });
    return notFoundPage();
  }
  const visit = recordVisit(deps.state, entry, {
    query: request.query,
    remoteAddress: request.remoteAddress,
    headers: request.headers,
    referrer: String(request.headers.referer ?? ''),
    direct: false,
  });
  try {
    await visit.written;
  } catch (error) {
    deps.metrics.unrecorded.inc();
    deps.logStoreFailure(error);
  }
  deps.metrics.clicks.inc({ outcome: visit.click.outcome });
  const cookie = clickCookie(visit.click.clickId, deps.secureCookies);
  if (!visit.target) return notFoundPage(cookie);
  // Straight to an offer (no lander): the offer's redirect type has its say.
  const { offerId } = visit.click;
  const mode = offerId === null ? entry.campaign.redirectMode : offerRedirectMode(entry.campaign.redirectMode, deps.state.snapshot().offers.get(offerId)?.offer);
  return deps.redirector.answer(mode, visit.target, cookie);
}
