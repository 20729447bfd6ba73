import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { UseCaseError } from '../domain/use-case-error.js';
import { UniqueViolationError } from '../store/entity-store.js';
import { fieldPath, statusOf, type ApiErrorCode } from './api-error.js';

/**
 * Turns every failure inside /api into `{"error": {"code", "message", "field"?, "requestId"}}` with the
 * right status. Unexpected errors are logged in full and answered without internals.
 */
export function registerApiErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const respond = (code: ApiErrorCode, message: string, field?: string) =>
      reply.status(statusOf(code)).send({ error: { code, message, ...(field ? { field } : {}), requestId: request.id } });

    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!;
      const path = issue.instancePath.split('/').filter(Boolean);
      // An unknown field is named itself, not the object it was found in.
      const unknownKey = issue.keyword === 'unrecognized_keys' ? (issue.params as { keys?: unknown[] }).keys?.[0] : undefined;
      if (typeof unknownKey === 'string') path.push(unknownKey);
      const field = fieldPath(path) || error.validationContext || 'body';
      return respond('validation_error', `${field}: ${issue.message}`, field);
    }
    if (error instanceof UseCaseError) {
      // A use case's refusal, or an ApiError from a route or hook: a UseCaseError whose code may also be
      // HTTP-only. Either way the code is an ApiErrorCode (the narrowing alone keeps FastifyError's string).
      const failure = error as UseCaseError<ApiErrorCode>;
      return respond(failure.code, failure.message, failure.field);
    }
    if (error instanceof UniqueViolationError) {
      return respond('conflict', `${error.field} is already taken`, error.field);
    }
    // Errors raised by Fastify itself before a handler runs (bad JSON, wrong content type, body too large).
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code: ApiErrorCode =
        error.statusCode === 413 ? 'payload_too_large' : error.statusCode === 415 ? 'unsupported_media_type' : 'validation_error';
      return respond(code, error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'body: is not valid JSON' : error.message, code === 'validation_error' ? 'body' : undefined);
    }
    request.log.error({ err: error }, 'unhandled error in admin API');
    return respond('internal_error', 'Internal error; the server log has the details');
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: request.id } }),
  );
}
