import type { Kysely, Selectable } from 'kysely';
import type { Integration, IntegrationChanges, NewIntegration, IntegrationKind, IntegrationStatus } from '../../domain/integration.js';
import type { IntegrationRepository } from '../entity-store.js';
import type { Database, IntegrationTable } from './database.js';

/**
 * `bumpConfigurationVersion` runs when an integration appears, moves to another offer source or goes:
 * the edge's snapshot knows which offer sources have one (a postback checks those for a pulled twin).
 */
export function createIntegrationRepository(db: Kysely<Database>, bumpConfigurationVersion: (trx: Kysely<any>) => Promise<void>): IntegrationRepository {
  const byId = async (executor: Kysely<Database>, id: number) => {
    const row = await executor.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? integrationFromRow(row) : undefined;
  };

  return {
    async list(query) {
      let select = db.selectFrom('integrations');
      if (query.partner !== undefined) select = select.where('partner', '=', query.partner);
      if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
      if (query.statuses?.length) select = select.where('status', 'in', query.statuses);
      if (query.offerSourceId !== undefined) select = select.where('offer_source_id', '=', query.offerSourceId);
      if (query.trafficChannelId !== undefined) select = select.where('traffic_channel_id', '=', query.trafficChannelId);
      const [rows, count] = await Promise.all([
        select.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
        select.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(integrationFromRow), total: Number(count.total) };
    },

    get: (id) => byId(db, id),

    async create(integration, now) {
      return db.transaction().execute(async (trx) => {
        const created = await insertIntegration(trx, integration, now);
        await bumpConfigurationVersion(trx);
        return created;
      });
    },

    async update(id, changes, now) {
      const result = await db.transaction().execute(async (trx) => {
        const updated = await trx.updateTable('integrations').set({ ...changeColumns(changes), updated_at: now }).where('id', '=', id).executeTakeFirst();
        if (changes.offerSourceId !== undefined && Number(updated.numUpdatedRows) > 0) await bumpConfigurationVersion(trx);
        return updated;
      });
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return byId(db, id);
    },

    async delete(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('integration_runs').where('integration_id', '=', id).execute();
        // Imported offers stay, with their partner ids, no longer refreshed by anything.
        await trx.updateTable('offers').set({ integration_id: null }).where('integration_id', '=', id).execute();
        const result = await trx.deleteFrom('integrations').where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await bumpConfigurationVersion(trx);
        return true;
      });
    },
  };
}

async function insertIntegration(db: Kysely<Database>, integration: NewIntegration, now: number): Promise<Integration> {
  const row = await db
    .insertInto('integrations')
    .values({
      kind: integration.kind,
      partner: integration.partner,
      name: integration.name,
      offer_source_id: integration.offerSourceId,
      traffic_channel_id: integration.trafficChannelId,
      settings: JSON.stringify(integration.settings),
      credentials: integration.sealedCredentials,
      status: integration.status,
      last_error: null,
      last_error_at: null,
      checked_at: null,
      check_ok: null,
      check_message: null,
      connected_at: null,
      offers_visible: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return integrationFromRow(row);
}

function changeColumns(changes: IntegrationChanges): Partial<Selectable<IntegrationTable>> {
  const columns: Partial<Selectable<IntegrationTable>> = {};
  if (changes.name !== undefined) columns.name = changes.name;
  if (changes.offerSourceId !== undefined) columns.offer_source_id = changes.offerSourceId;
  if (changes.trafficChannelId !== undefined) columns.traffic_channel_id = changes.trafficChannelId;
  if (changes.settings !== undefined) columns.settings = JSON.stringify(changes.settings);
  if (changes.sealedCredentials !== undefined) columns.credentials = changes.sealedCredentials;
  if (changes.status !== undefined) columns.status = changes.status;
  if (changes.lastError !== undefined) {
    columns.last_error = changes.lastError?.message ?? null;
    columns.last_error_at = changes.lastError?.at ?? null;
  }
  if (changes.connection !== undefined) {
    const { checkedAt, ok, message, connectedAt, offersVisible } = changes.connection;
    Object.assign(columns, { checked_at: checkedAt, check_ok: ok === null ? null : Number(ok), check_message: message, connected_at: connectedAt, offers_visible: offersVisible });
  }
  return columns;
}

function integrationFromRow(row: Selectable<IntegrationTable>): Integration {
  const time = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: Number(row.id),
    kind: row.kind as IntegrationKind,
    partner: row.partner,
    name: row.name,
    offerSourceId: row.offer_source_id === null ? null : Number(row.offer_source_id),
    trafficChannelId: row.traffic_channel_id === null ? null : Number(row.traffic_channel_id),
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    sealedCredentials: row.credentials,
    status: row.status as IntegrationStatus,
    lastError: row.last_error === null ? null : { message: row.last_error, at: Number(row.last_error_at) },
    connection: {
      checkedAt: time(row.checked_at),
      ok: row.check_ok === null ? null : Boolean(row.check_ok),
      message: row.check_message,
      connectedAt: time(row.connected_at),
      offersVisible: row.offers_visible === null ? null : Number(row.offers_visible),
    },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
