import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../observability/logger.js';
import type { EntityStore } from '../store/entity-store.js';
import { createSqliteEntityStore } from '../store/sqlite/sqlite-entity-store.js';
import type { EventStore } from '../store/event-store.js';
import { createSqliteEventStore } from '../store/sqlite/sqlite-event-store.js';

export const ENTITY_DB_FILE = 'waypost.db';
export const EVENT_DB_FILE = 'events.db';

/** What every CLI command starts from: the parsed configuration, the logger and a migrated store. */
export async function openRuntime(env: Record<string, string | undefined>): Promise<{ config: Config; logger: Logger; store: EntityStore; applied: string[] }> {
  const config = loadConfig(env);
  const logger = createLogger(config);
  const store = createSqliteEntityStore(join(config.dataDir, ENTITY_DB_FILE));
  const applied = await store.migrate();
  return { config, logger, store, applied };
}

/** The click and report store, migrated. */
export async function openEventStore(config: Config): Promise<EventStore> {
  const events = createSqliteEventStore(join(config.dataDir, EVENT_DB_FILE), { entityFile: join(config.dataDir, ENTITY_DB_FILE) });
  await events.migrate();
  return events;
}
