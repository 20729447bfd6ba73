import type { Migration } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';
import { entitiesMigration } from './0001-entities.js';
import { conversionsMigration } from './0002-conversions.js';
import { outboxMigration } from './0003-outbox.js';
import { logIndexesMigration } from './0004-log-indexes.js';
import { conversionChangesMigration } from './0005-conversion-changes.js';
import { postbackLogByConversionMigration } from './0006-postback-log-by-conversion.js';
import { integrationsMigration } from './0007-integrations.js';
import { importedOffersMigration } from './0008-imported-offers.js';
import { integrationRunHeartbeatMigration } from './0009-integration-run-heartbeat.js';
import { pulledConversionsMigration } from './0010-pulled-conversions.js';
import { channelIntegrationsMigration } from './0011-channel-integrations.js';
import { costSyncRunsMigration } from './0012-cost-sync-runs.js';
import { rulesMigration } from './0013-rules.js';
import { ruleObjectsMigration } from './0014-rule-objects.js';
import { conversionChangeIndexMigration } from './0015-conversion-change-index.js';

/** Every migration, in order. Names are permanent: they are recorded in the database. */
export function allMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001-entities': entitiesMigration(dialect),
    '0002-conversions': conversionsMigration(dialect),
    '0003-outbox': outboxMigration(dialect),
    '0004-log-indexes': logIndexesMigration(),
    '0005-conversion-changes': conversionChangesMigration(),
    '0006-postback-log-by-conversion': postbackLogByConversionMigration(),
    '0007-integrations': integrationsMigration(dialect),
    '0008-imported-offers': importedOffersMigration(),
    '0009-integration-run-heartbeat': integrationRunHeartbeatMigration(),
    '0010-pulled-conversions': pulledConversionsMigration(dialect),
    '0011-channel-integrations': channelIntegrationsMigration(),
    '0012-cost-sync-runs': costSyncRunsMigration(),
    '0013-rules': rulesMigration(dialect),
    '0014-rule-objects': ruleObjectsMigration(dialect),
    '0015-conversion-change-index': conversionChangeIndexMigration(),
  };
}
