import type { Kysely, Selectable } from 'kysely';
import type { RuleLogObject, RuleRun, RuleRunTrigger } from '../../domain/rule-log.js';
import type { RuleLogRepository } from '../rule-store.js';
import type { Database, RuleRunTable } from './database.js';

export function createRuleLogRepository(db: Kysely<Database>): RuleLogRepository {
  return {
    async append(run) {
      const row = await db
        .insertInto('rule_runs')
        .values({
          rule_id: run.ruleId,
          trigger: run.trigger,
          at: run.at,
          window_from: run.window?.from ?? null,
          window_to: run.window?.to ?? null,
          checked: run.checked,
          matched: run.objects.length,
          state: run.state,
          error: run.error,
          objects: JSON.stringify(run.objects),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return runFromRow(row);
    },

    async list(ruleId, page) {
      let select = db.selectFrom('rule_runs').selectAll().where('rule_id', '=', ruleId);
      if (page.beforeId !== undefined) select = select.where('id', '<', page.beforeId);
      const rows = await select.orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(runFromRow);
    },
  };
}

function runFromRow(row: Selectable<RuleRunTable>): RuleRun {
  return {
    id: Number(row.id),
    ruleId: Number(row.rule_id),
    trigger: row.trigger as RuleRunTrigger,
    at: Number(row.at),
    window: row.window_from === null || row.window_to === null ? null : { from: Number(row.window_from), to: Number(row.window_to) },
    checked: Number(row.checked),
    objects: JSON.parse(row.objects) as RuleLogObject[],
    state: row.state as RuleRun['state'],
    error: row.error,
  };
}
