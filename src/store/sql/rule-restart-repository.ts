import type { Kysely, Selectable } from 'kysely';
import type { PlacementDimension } from '../../domain/campaign.js';
import type { RuleRestart } from '../../domain/rule-log.js';
import type { RuleRestartRepository } from '../rule-store.js';
import type { Database, RuleRestartTable } from './database.js';

export function createRuleRestartRepository(db: Kysely<Database>): RuleRestartRepository {
  const restartOf = (row: Selectable<RuleRestartTable>): RuleRestart => ({
    id: Number(row.id),
    ruleId: Number(row.rule_id),
    campaignId: Number(row.campaign_id),
    placement: row.placement_dimension === null ? null : { dimension: row.placement_dimension as PlacementDimension, value: row.placement_value ?? '' },
    dueAt: Number(row.due_at),
    createdAt: Number(row.created_at),
  });
  return {
    async schedule(restart) {
      await db
        .insertInto('rule_restarts')
        .values({
          rule_id: restart.ruleId,
          object_key: restart.objectKey,
          campaign_id: restart.campaignId,
          placement_dimension: restart.placement?.dimension ?? null,
          placement_value: restart.placement?.value ?? null,
          due_at: restart.dueAt,
          created_at: restart.createdAt,
        })
        .onConflict((oc) => oc.columns(['rule_id', 'object_key']).doNothing())
        .execute();
    },
    async due(now) {
      const rows = await db.selectFrom('rule_restarts').selectAll().where('due_at', '<=', now).orderBy('rule_id').orderBy('due_at').orderBy('id').execute();
      return rows.map(restartOf);
    },
    async pending(ruleId) {
      const rows = await db.selectFrom('rule_restarts').selectAll().where('rule_id', '=', ruleId).orderBy('due_at').orderBy('id').execute();
      return rows.map(restartOf);
    },
    async remove(id) {
      await db.deleteFrom('rule_restarts').where('id', '=', id).execute();
    },
    async postpone(id, dueAt) {
      await db.updateTable('rule_restarts').set({ due_at: dueAt }).where('id', '=', id).execute();
    },
  };
}
