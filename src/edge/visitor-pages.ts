import type { FastifyReply } from 'fastify';

/**
 * What a visitor sees when there is nowhere to send them: a plain page, never JSON, never a stack trace.
 */
export function sendNotFoundPage(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send('<!doctype html><html><head><meta charset="utf-8"><title>Not found</title></head><body><p>This link is not available.</p></body></html>');
}

export function sendUnavailablePage(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header('cache-control', 'no-store')
    .header('retry-after', '5')
    .type('text/html; charset=utf-8')
    .send('<!doctype html><html><head><meta charset="utf-8"><title>Unavailable</title></head><body><p>Please try again in a moment.</p></body></html>');
}

/** 1×1 transparent GIF for impression and conversion pixels. */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function sendPixel(reply: FastifyReply): FastifyReply {
  return reply.code(200).header('cache-control', 'no-store, max-age=0').type('image/gif').send(TRANSPARENT_GIF);
}
