import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as fastify reads them (prototype poisoning refused), except that an empty body is no
 * body: many HTTP clients send `content-type: application/json` on every POST, including action
 * routes that take none (`/rules/{id}/dry-run`, `/campaigns/{id}/pause`). A route that needs a body
 * still answers 400 naming `body`.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, done);
  });
}
