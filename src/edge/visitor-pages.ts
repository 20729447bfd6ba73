import type { FastifyReply } from 'fastify';
import { sendAnswer, type VisitorAnswer } from './visitor-answer.js';

const NOT_FOUND_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Not found</title></head><body><p>This link is not available.</p></body></html>';
const UNAVAILABLE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Unavailable</title></head><body><p>Please try again in a moment.</p></body></html>';
const HTML = 'text/html; charset=utf-8';

/**
 * What a visitor sees when there is nowhere to send them: a plain page, never JSON, never a stack trace.
 * `setCookie` keeps the click cookie of a visit that was recorded but has no destination.
 */
export function notFoundPage(setCookie?: string): VisitorAnswer {
  const headers: Record<string, string> = setCookie === undefined ? {} : { 'set-cookie': setCookie };
  headers['cache-control'] = 'no-store';
  headers['content-type'] = HTML;
  headers['content-length'] = String(Buffer.byteLength(NOT_FOUND_HTML));
  return { status: 404, headers, body: NOT_FOUND_HTML };
}

export function unavailablePage(): VisitorAnswer {
  return {
    status: 503,
    headers: { 'cache-control': 'no-store', 'retry-after': '5', 'content-type': HTML, 'content-length': String(Buffer.byteLength(UNAVAILABLE_HTML)) },
    body: UNAVAILABLE_HTML,
  };
}

export function sendNotFoundPage(reply: FastifyReply): FastifyReply {
  return sendAnswer(reply, notFoundPage());
}

export function sendUnavailablePage(reply: FastifyReply): FastifyReply {
  return sendAnswer(reply, unavailablePage());
}

/** 1×1 transparent GIF for impression and conversion pixels. */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function pixel(): VisitorAnswer {
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, max-age=0', 'content-type': 'image/gif', 'content-length': String(TRANSPARENT_GIF.length) },
    body: TRANSPARENT_GIF,
  };
}
