import type { z } from 'zod';
import type { Config } from '../config.js';
import type { EntityRepository, EntityStore } from '../store/entity-store.js';

/** What the API needs to know about one entity to serve its five routes. */
export interface Resource<TInput extends { status: string }, TEntity extends { id: number }> {
  /** URL segment under /api/v1, e.g. `traffic-channels`. */
  path: string;
  /** Human name for messages and the OpenAPI document, e.g. `traffic channel`. */
  noun: string;
  inputSchema: z.ZodObject<z.ZodRawShape>;
  /** The POST body when creating accepts more than the input (`fromTemplate`); inputSchema otherwise. */
  createSchema?: z.ZodObject<z.ZodRawShape>;
  /** Completes a raw POST body before validation (a template's fields); throws an ApiError naming the field. */
  completeCreateBody?(body: Record<string, unknown>): Record<string, unknown>;
  responseSchema: z.ZodType;
  repository(store: EntityStore): EntityRepository<TInput, TEntity>;
  /** Extra list filters: query parameter → schema; passed to the repository as `where`. */
  listFilters?: Record<string, z.ZodType<number | undefined>>;
  /** Rejects input whose references cannot work (missing offer, archived channel...) with an ApiError naming the field. */
  checkReferences?(input: TInput, store: EntityStore): Promise<void>;
  /** Creates the entity when it needs more than the input (a generated key). */
  create?(input: TInput, store: EntityStore): Promise<TEntity>;
  /** The entity as the API shows it: money as decimals, computed URLs. */
  present(entity: TEntity, context: PresentContext): unknown | Promise<unknown>;
}

export interface PresentContext {
  config: Config;
  store: EntityStore;
}

/** Helper so each resource file keeps its precise types while the routes treat them uniformly. */
export function defineResource<TInput extends { status: string }, TEntity extends { id: number }>(
  resource: Resource<TInput, TEntity>,
): Resource<TInput, TEntity> {
  return resource;
}
