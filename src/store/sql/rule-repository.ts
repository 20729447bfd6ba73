import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RuleRepository } from '../rule-store.js';
import type { Database } from './database.js';
import { createEntityRepository } from './entity-repository.js';
import type { SqlDialect } from './sql-dialect.js';
import { rulesTable } from './tables/rules.js';

/**
 * Rules over the shared entity code, plus the worker's columns. A rule's writes do not bump the
 * configuration version: the edge does not read rules, so it has nothing to reload.
 */
export function createRuleRepository(db: Kysely<Database>, dialect: SqlDialect): RuleRepository {
  const entities = createEntityRepository(db as Kysely<any>, dialect, rulesTable, async () => {});
  return {
    ...entities,

    async claim(id, now, leaseMs) {
      const token = randomUUID();
      // One conditional update: of two workers, the database lets exactly one set the lease.
      const result = await db
        .updateTable('rules')
        .set({ lease_token: token, lease_until: now + leaseMs })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? token : undefined;
    },

    async extend(id, token, until) {
      const result = await db.updateTable('rules').set({ lease_until: until }).where('id', '=', id).where('lease_token', '=', token).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async release(id, token, evaluatedAt) {
      await db
        .updateTable('rules')
        .set({ lease_token: null, lease_until: null, ...(evaluatedAt !== null && { last_evaluated_at: evaluatedAt }) })
        .where('id', '=', id)
        .where('lease_token', '=', token)
        .execute();
    },

    async lastEvaluations(ids) {
      if (ids?.length === 0) return new Map();
      let select = db.selectFrom('rules').select(['id', 'last_evaluated_at']).where('last_evaluated_at', 'is not', null);
      if (ids) select = select.where('id', 'in', [...ids]);
      const rows = await select.execute();
      return new Map(rows.map((row) => [Number(row.id), Number(row.last_evaluated_at)]));
    },

    async firedObjects(ruleId) {
      const rows = await db.selectFrom('rule_fired_objects').selectAll().where('rule_id', '=', ruleId).execute();
      return new Map(rows.map((row) => [row.object_key, { revision: row.rule_revision, firedAt: Number(row.fired_at) }]));
    },

    async markFired(ruleId, objectKeys, revision, at) {
      if (objectKeys.length === 0) return;
      await db
        .insertInto('rule_fired_objects')
        .values(objectKeys.map((key) => ({ rule_id: ruleId, object_key: key, rule_revision: revision, fired_at: at })))
        .onConflict((oc) => oc.columns(['rule_id', 'object_key']).doUpdateSet((eb) => ({ rule_revision: eb.ref('excluded.rule_revision'), fired_at: eb.ref('excluded.fired_at') })))
        .execute();
    },

    async clearFired(ruleId, objectKeys) {
      if (objectKeys.length === 0) return;
      await db.deleteFrom('rule_fired_objects').where('rule_id', '=', ruleId).where('object_key', 'in', objectKeys).execute();
    },
  };
}
