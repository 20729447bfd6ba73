import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EntityStore } from '../store/entity-store.js';
import type { Config } from '../config.js';
import { ApiError } from './api-error.js';
import { errorResponses } from './error-schema.js';
import { idParamsSchema, listQuerySchema } from './list-query.js';
import { patchSchemaOf } from '../domain/patch-schema.js';
import type { Resource } from './resource.js';

/**
 * The five routes every entity has: list, create, read, update (PATCH), archive (DELETE). Routes only
 * parse, call the repository and present; entity rules live in the schemas and `checkReferences`.
 */
export function registerResourceRoutes<TInput extends { status: string }, TEntity extends { id: number; status: string }>(
  app: FastifyInstance,
  resource: Resource<TInput, TEntity>,
  store: EntityStore,
  config: Config,
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const repository = resource.repository(store);
  const base = `/${resource.path}`;
  const tags = [resource.noun];
  const security = [{ apiKey: [] }];
  const present = (entity: TEntity) => resource.present(entity, { config, store });
  const notFound = (id: number) => new ApiError('not_found', `${resource.noun} ${id} does not exist`, 'id');
  const listQuery = listQuerySchema.extend(resource.listFilters ?? {});
  const listResponse = z.object({
    items: z.array(resource.responseSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
  const patchSchema = patchSchemaOf(resource.inputSchema);

  routes.get(base, {
    schema: { tags, security, summary: `List ${resource.noun}s`, querystring: listQuery, response: { 200: listResponse, ...errorResponses } },
    handler: async (request) => {
      const { status, search, limit, offset, ...filters } = request.query as z.output<typeof listQuerySchema> & Record<string, number | undefined>;
      const where = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Record<string, number>;
      const page = await repository.list({ statuses: status, search, where, limit, offset });
      return { items: await Promise.all(page.items.map(present)), total: page.total, limit, offset };
    },
  });

  const completeCreateBody = resource.completeCreateBody;
  routes.post(base, {
    schema: { tags, security, summary: `Create a ${resource.noun}`, body: resource.createSchema ?? resource.inputSchema, response: { 201: resource.responseSchema, ...errorResponses } },
    ...(completeCreateBody && {
      preValidation: async (request: { body: unknown }) => {
        if (isPlainObject(request.body)) request.body = completeCreateBody(request.body);
      },
    }),
    handler: async (request, reply) => {
      const input = request.body as TInput;
      await resource.checkReferences?.(input, store);
      const entity = resource.create ? await resource.create(input, store) : await repository.create(input);
      return reply.status(201).send(await present(entity));
    },
  });

  routes.get(`${base}/:id`, {
    schema: { tags, security, summary: `Get a ${resource.noun}`, params: idParamsSchema, response: { 200: resource.responseSchema, ...errorResponses } },
    handler: async (request) => {
      const entity = await repository.get(request.params.id);
      if (!entity) throw notFound(request.params.id);
      return present(entity);
    },
  });

  routes.patch(`${base}/:id`, {
    schema: { tags, security, summary: `Change a ${resource.noun}`, params: idParamsSchema, body: patchSchema, response: { 200: resource.responseSchema, ...errorResponses } },
    handler: async (request) => {
      const current = await repository.get(request.params.id);
      if (!current) throw notFound(request.params.id);
      if (current.status === 'archived') {
        throw new ApiError('conflict', `${resource.noun} ${current.id} is archived and can no longer change`, 'status');
      }
      const changes = Object.fromEntries(Object.entries(request.body as object).filter(([, value]) => value !== undefined));
      const merge = (entity: TEntity) => ({ ...pick(entity, Object.keys(resource.inputSchema.shape)), ...changes }) as TInput;
      await resource.checkReferences?.(merge(current), store);
      // The fields left out are taken from the entity as it is when written, not as read above: a
      // placement a rule blocked meanwhile is kept by a PATCH of the campaign's name.
      const result = await repository.modify(current.id, (latest) => {
        if (latest.status === 'archived') throw new ApiError('conflict', `${resource.noun} ${current.id} was archived meanwhile`, 'status');
        return merge(latest);
      });
      if (!result) throw notFound(current.id);
      return present(result.entity);
    },
  });

  routes.delete(`${base}/:id`, {
    schema: { tags, security, summary: `Archive a ${resource.noun} (it stays readable for reports)`, params: idParamsSchema, response: { 200: resource.responseSchema, ...errorResponses } },
    handler: async (request) => {
      const archived = await repository.archive(request.params.id);
      if (!archived) throw notFound(request.params.id);
      return present(archived);
    },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: object, keys: string[]): Record<string, unknown> {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}
