import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';

/**
 * The OpenAPI document, generated from the zod schemas that validate each route. Registered on the
 * root instance before any route so it sees every role's routes, and served at
 * `/api/v1/openapi.json` with an interactive reference at `/api/docs`.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Waypost API',
        version: '1',
        description:
          'The admin API (`/api/v1`, API key required) and the public tracking URLs partners call.',
      },
      servers: [{ url: config.baseUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'a Waypost API key' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { persistAuthorization: true } });
  app.get('/api/v1/openapi.json', { schema: { tags: ['documentation'], summary: 'This OpenAPI document' } }, async () => app.swagger());
}
