import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ConversionDeps } from '../conversions/record-postback.js';
import type { EventStore } from '../store/event-store.js';
import type { EdgeMetrics } from './edge-metrics.js';
import type { EdgeState } from './record-visit.js';
import type { Redirector } from './redirect-response.js';
import { campaignClickRoute } from './routes/campaign-click.js';
import { directTrackingRoutes } from './routes/direct-tracking.js';
import { doubleMetaHopRoute } from './routes/double-meta-hop.js';
import { impressionRoute } from './routes/impression.js';
import { landerClickRoutes } from './routes/lander-click.js';
import { postbackRoutes } from './routes/postback.js';
import { sendUnavailablePage } from './visitor-pages.js';

export interface EdgeDeps {
  state: EdgeState;
  events: EventStore;
  metrics: EdgeMetrics;
  redirector: Redirector;
  /** Cookies go out with `Secure; SameSite=None` when the tracker is served over https. */
  secureCookies: boolean;
  /** The conversion path's stores and counters (postback, pixel). */
  conversions: ConversionDeps;
  /** The visitor's (or network's) IP, honouring trusted proxies. */
  clientIp(request: Pick<IncomingMessage, 'socket' | 'headers'>): string;
  /** Logs a storage failure at most once per interval, so an outage cannot flood the log. */
  logStoreFailure(error: unknown): void;
}

/** The edge role: the public tracking URLs, served from memory. */
export async function edgePlugin(app: FastifyInstance, deps: EdgeDeps): Promise<void> {
  // A visitor never sees JSON or a stack trace, whatever went wrong.
  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error, url: request.url.split('?')[0] }, 'edge request failed');
    return sendUnavailablePage(reply);
  });
  campaignClickRoute(app, deps);
  landerClickRoutes(app, deps);
  impressionRoute(app, deps);
  directTrackingRoutes(app, deps);
  doubleMetaHopRoute(app, deps);
  postbackRoutes(app, deps);
}
