import type { Kysely, Selectable } from 'kysely';
import type { IntegrationRun, IntegrationRunCounts, IntegrationRunKind, IntegrationRunState, IntegrationRunTrigger } from '../../domain/integration.js';
import { emptyRunCounts } from '../../domain/integration.js';
import type { IntegrationRunRepository } from '../entity-store.js';
import type { Database, IntegrationRunTable } from './database.js';

export function createIntegrationRunRepository(db: Kysely<Database>): IntegrationRunRepository {
  const byId = async (id: number) => {
    const row = await db.selectFrom('integration_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? runFromRow(row) : undefined;
  };

  return {
    // Checked and inserted in one transaction, so two callers cannot both start (SQLite serialises writers).
    async startUnlessRunning(run) {
      return db.transaction().execute(async (trx) => {
        const running = await trx.selectFrom('integration_runs').select('id').where('integration_id', '=', run.integrationId).where('state', '=', 'running').executeTakeFirst();
        if (running) return undefined;
        const row = await trx
          .insertInto('integration_runs')
          .values({ integration_id: run.integrationId, kind: run.kind, trigger: run.trigger, state: 'running', started_at: run.startedAt, finished_at: null, heartbeat_at: run.startedAt, ...countColumns(emptyRunCounts()) })
          .returningAll()
          .executeTakeFirstOrThrow();
        return runFromRow(row);
      });
    },

    async start(run) {
      const row = await db
        .insertInto('integration_runs')
        .values({ integration_id: run.integrationId, kind: run.kind, trigger: run.trigger, state: 'running', started_at: run.startedAt, finished_at: null, heartbeat_at: run.startedAt, ...countColumns(emptyRunCounts()) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return runFromRow(row);
    },

    async record(id, counts, end) {
      const result = await db
        .updateTable('integration_runs')
        .set({ ...countColumns(counts), ...(end && { state: end.state, finished_at: end.finishedAt }) })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 0 ? undefined : byId(id);
    },

    get: byId,

    async list(integrationId, page) {
      const select = db.selectFrom('integration_runs').where('integration_id', '=', integrationId);
      const [rows, count] = await Promise.all([
        select.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
        select.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(runFromRow), total: Number(count.total) };
    },

    async beat(id, at) {
      await db.updateTable('integration_runs').set({ heartbeat_at: at }).where('id', '=', id).where('state', '=', 'running').execute();
    },

    // One transaction: a run that beats meanwhile is either failed before its beat or not selected at all.
    async failStale(heartbeatBefore, reason, at) {
      return db.transaction().execute(async (trx) => {
        const stale = await trx.selectFrom('integration_runs').selectAll().where('state', '=', 'running').where('heartbeat_at', '<', heartbeatBefore).execute();
        const failed: IntegrationRun[] = [];
        for (const row of stale) {
          const errors = [...(JSON.parse(row.errors) as string[]), reason];
          const updated = await trx
            .updateTable('integration_runs')
            .set({ state: 'failed', finished_at: at, errors: JSON.stringify(errors) })
            .where('id', '=', row.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          failed.push(runFromRow(updated));
        }
        return failed;
      });
    },

    async lastStarts(kind) {
      const rows = await db
        .selectFrom('integration_runs')
        .select((eb) => ['integration_id', eb.fn.max('started_at').as('last_started_at')])
        .where('kind', '=', kind)
        .groupBy('integration_id')
        .execute();
      return new Map(rows.map((row) => [Number(row.integration_id), Number(row.last_started_at)]));
    },
  };
}

function countColumns(counts: IntegrationRunCounts) {
  return {
    offers_fetched: counts.offersFetched,
    offers_created: counts.offersCreated,
    offers_updated: counts.offersUpdated,
    offers_skipped: counts.offersSkipped,
    conversions_pulled: counts.conversionsPulled,
    costs_synced: counts.costsSynced,
    errors: JSON.stringify(counts.errors),
    skips: JSON.stringify(counts.skips),
  };
}

function runFromRow(row: Selectable<IntegrationRunTable>): IntegrationRun {
  return {
    id: Number(row.id),
    integrationId: Number(row.integration_id),
    kind: row.kind as IntegrationRunKind,
    trigger: row.trigger as IntegrationRunTrigger,
    state: row.state as IntegrationRunState,
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    offersFetched: Number(row.offers_fetched),
    offersCreated: Number(row.offers_created),
    offersUpdated: Number(row.offers_updated),
    offersSkipped: Number(row.offers_skipped),
    conversionsPulled: Number(row.conversions_pulled),
    costsSynced: Number(row.costs_synced),
    errors: JSON.parse(row.errors) as string[],
    skips: JSON.parse(row.skips) as IntegrationRun['skips'],
  };
}
