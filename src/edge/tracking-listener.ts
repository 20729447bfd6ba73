import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import type { EdgeDeps } from './edge-plugin.js';
import { parseQuery } from './query-string.js';
import { answerCampaignClick } from './routes/campaign-click.js';
import { answerImpression } from './routes/impression.js';
import { answerLanderClick } from './routes/lander-click.js';
import { answerPostback } from './routes/postback.js';
import { writeAnswer, type VisitorAnswer } from './visitor-answer.js';
import { unavailablePage } from './visitor-pages.js';

/**
 * A path parameter as fastify's router would take it as it is: no percent-encoding, no slash, at most
 * 200 characters (the server's maxParamLength). The router ends the path at `?` or `#`.
 */
const PARAM = '([^/?#%]{1,200})';
const END = '(?:[?#]|$)';

interface FastRoute {
  pattern: RegExp;
  answer(deps: EdgeDeps, request: IncomingMessage, param: string | undefined, query: string): Promise<VisitorAnswer>;
}

/** The public tracking URLs a visitor's browser hits for every ad shown or clicked, and the networks' conversion postbacks. */
const ROUTES: readonly FastRoute[] = [
  {
    pattern: new RegExp(`^/c/${PARAM}${END}`),
    answer: (deps, request, key, query) =>
      answerCampaignClick(deps, { key: key!, query: parseQuery(query), remoteAddress: request.socket.remoteAddress ?? '', headers: request.headers }),
  },
  { pattern: new RegExp(`^/imp/${PARAM}${END}`), answer: (deps, _request, key, query) => answerImpression(deps, key!, query === '' ? undefined : parseQuery(query)) },
  {
    pattern: new RegExp(`^/lp/click(?:/${PARAM})?${END}`),
    answer: (deps, request, offerNumber, query) => answerLanderClick(deps, { query: parseQuery(query), cookie: request.headers.cookie, offerNumber }),
  },
  {
    pattern: new RegExp(`^/postback${END}`),
    answer: (deps, request, _param, query) =>
      answerPostback(deps, { sources: [parseQuery(query)], method: 'GET', sourceIp: deps.clientIp(request), headers: request.headers, origin: 'postback' }),
  },
  {
    pattern: new RegExp(`^/pixel${END}`),
    answer: (deps, request, _param, query) =>
      answerPostback(deps, { sources: [parseQuery(query)], method: 'GET', sourceIp: deps.clientIp(request), headers: request.headers, origin: 'pixel' }),
  },
];

export interface TrackingListener {
  /** Answers the request and returns true if it is one of the tracking URLs; false leaves it to fastify. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** From now on every request goes to fastify, which answers 503 while the server closes. */
  close(): void;
  /** A fastify `serverFactory`: node:http with fastify's timeouts, the tracking listener first. */
  serverFactory: FastifyServerFactory<Server>;
}

/**
 * Campaign clicks, impressions, lander clicks and GET postbacks straight from node:http, ahead of fastify's request
 * pipeline, whose routing, request and reply objects and hook chain were a tenth of a click's time on
 * the event loop (about as much as detection and the funnel). The answers are those of the edge's fastify routes (the same answer
 * functions, the query read as fastify reads it, the same error page); every other request, and these
 * with HEAD or a key fastify would decode, goes to fastify.
 */
export function createTrackingListener(deps: EdgeDeps, logger: Logger): TrackingListener {
  let closing = false;

  async function serve(request: IncomingMessage, response: ServerResponse, route: FastRoute, param: string | undefined, query: string): Promise<void> {
    try {
      const answer = await route.answer(deps, request, param, query);
      // A request that was in flight when closing began ends its connection, so the server can stop.
      if (closing) response.setHeader('connection', 'close');
      writeAnswer(response, answer);
    } catch (error) {
      // As the edge's error handler: logged, and the visitor sees the error page, never a stack trace.
      logger.error({ err: error, url: (request.url ?? '').split('?')[0] }, 'edge request failed');
      if (response.headersSent) response.destroy();
      else writeAnswer(response, unavailablePage());
    }
  }

  const listener: TrackingListener = {
    handle(request, response) {
      if (closing || request.method !== 'GET') return false;
      const url = request.url ?? '';
      for (const route of ROUTES) {
        const match = route.pattern.exec(url);
        if (match) {
          void serve(request, response, route, match[1], url.slice(match[0].length));
          return true;
        }
      }
      return false;
    },
    close() {
      closing = true;
    },
    serverFactory(handler, options) {
      const server = createServer((options.http ?? {}) as ServerOptions, (request, response) => {
        if (!listener.handle(request, response)) handler(request, response);
      });
      // What fastify sets on a server it creates itself.
      server.keepAliveTimeout = options.keepAliveTimeout as number;
      server.requestTimeout = options.requestTimeout as number;
      server.setTimeout(options.connectionTimeout as number);
      if ((options.maxRequestsPerSocket as number) > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket as number;
      return server;
    },
  };
  return listener;
}
