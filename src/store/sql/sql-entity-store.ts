import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { ApiKey } from '../../domain/api-key.js';
import type { CampaignRepository, CommittedPostback, EntityStore, PostbackCommit } from '../entity-store.js';
import type { Database } from './database.js';
import { createConversionRepository } from './conversion-repository.js';
import { createCurrencyRateRepository } from './currency-rate-repository.js';
import { createEntityRepository } from './entity-repository.js';
import { createIntegrationRepository } from './integration-repository.js';
import { createIntegrationRunRepository } from './integration-run-repository.js';
import { createImportedOfferRepository } from './imported-offer-repository.js';
import { GroupCommit } from './group-commit.js';
import { createPulledConversionRepository } from './pulled-conversion-repository.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createRuleLogRepository } from './rule-log-repository.js';
import { createRuleRepository } from './rule-repository.js';
import { createRuleRestartRepository } from './rule-restart-repository.js';
import { allMigrations } from './migrations/index.js';
import type { SqlDialect } from './sql-dialect.js';
import { campaignsTable } from './tables/campaigns.js';
import { conversionTypesTable } from './tables/conversion-types.js';
import { landersTable } from './tables/landers.js';
import { offerSourcesTable } from './tables/offer-sources.js';
import { offersTable } from './tables/offers.js';
import { trafficChannelsTable } from './tables/traffic-channels.js';

/** What an adapter supplies besides its Kysely database and dialect. */
export interface SqlAdapterParts {
  close(): Promise<void>;
  /**
   * Commits postbacks in one transaction (the statements of postback-commit-sql.ts), answering each
   * one; a postback that fails alone must fail only itself.
   */
  commitPostbacks(commits: PostbackCommit[]): Promise<PromiseSettledResult<CommittedPostback>[]>;
}

/** The EntityStore over any Kysely database; the dialect supplies the few pieces that differ. */
export function createSqlEntityStore(db: Kysely<Database>, dialect: SqlDialect, adapter: SqlAdapterParts): EntityStore {
  const anyDb = db as Kysely<any>;
  const bumpConfigurationVersion = async (trx: Kysely<any>) => {
    await trx.updateTable('configuration_version').set({ version: sql`version + 1` }).where('id', '=', 1).execute();
  };

  const postbackCommits = new GroupCommit(adapter.commitPostbacks);

  const provider: MigrationProvider = { getMigrations: async () => allMigrations(dialect) };
  const migrator = new Migrator({ db, provider, migrationTableName: 'waypost_migrations', migrationLockTableName: 'waypost_migrations_lock' });

  return {
    trafficChannels: createEntityRepository(anyDb, dialect, trafficChannelsTable, bumpConfigurationVersion),
    offerSources: createEntityRepository(anyDb, dialect, offerSourcesTable, bumpConfigurationVersion),
    offers: createEntityRepository(anyDb, dialect, offersTable, bumpConfigurationVersion),
    landers: createEntityRepository(anyDb, dialect, landersTable, bumpConfigurationVersion),
    campaigns: createEntityRepository(anyDb, dialect, campaignsTable, bumpConfigurationVersion) as CampaignRepository,
    conversionTypes: createEntityRepository(anyDb, dialect, conversionTypesTable, bumpConfigurationVersion),

    conversions: createConversionRepository(db),
    currencyRates: createCurrencyRateRepository(db),
    outbox: createOutboxRepository(db),
    integrations: createIntegrationRepository(db, bumpConfigurationVersion),
    integrationRuns: createIntegrationRunRepository(db),
    importedOffers: createImportedOfferRepository(db, bumpConfigurationVersion),
    rules: createRuleRepository(db, dialect),
    ruleLog: createRuleLogRepository(db),
    ruleRestarts: createRuleRestartRepository(db),
    pulledConversions: createPulledConversionRepository(db),
    commitPostback: (commit) => postbackCommits.submit(commit),

    apiKeys: {
      async create(key) {
        const row = await db
          .insertInto('api_keys')
          .values({ name: key.name, prefix: key.prefix, key_hash: key.hash, role: key.role, created_at: key.createdAt, last_used_at: null, revoked_at: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        return apiKeyFromRow(row);
      },
      async findActiveByHash(hash) {
        const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
        return row ? apiKeyFromRow(row) : undefined;
      },
      async countActive() {
        const row = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll().as('n')).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
        return Number(row.n);
      },
      async touch(id, at) {
        await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
      },
    },

    async migrate() {
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    async maintain() {
      for (const statement of dialect.maintenanceStatements) await sql.raw(statement).execute(db);
    },

    async configurationVersion() {
      const row = await db.selectFrom('configuration_version').select('version').where('id', '=', 1).executeTakeFirst();
      return Number(row?.version ?? 0);
    },

    close: () => adapter.close(),
  };

  function apiKeyFromRow(row: Database['api_keys'] extends infer T ? { [K in keyof T]: any } : never): ApiKey {
    return {
      id: Number(row.id),
      name: row.name,
      prefix: row.prefix,
      hash: row.key_hash,
      role: row.role,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    };
  }
}
