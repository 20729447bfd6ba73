import { existsSync } from 'node:fs';
import { sql, type Kysely, type Migration } from 'kysely';

const COLUMNS = 'id, received_at, method, source_ip, query, outcome, reason, click_id, offer_source_id, conversion_id';

/**
 * The postback log as an event stream beside the clicks, written by the event writer thread instead
 * of inside the postback's entity commit. Every row of a conversion carries its click id, so the click
 * filter is a plain index. A plain rowid key: ids only grow (nothing deletes the newest rows), and
 * AUTOINCREMENT would write its counter with every insert.
 *
 * The log used to live in the entity file (`postback_log` in waypost.db, left there unused: a
 * migration does not drop data). When that file is given, its rows are copied over once, ids kept,
 * so cursors and order carry on.
 */
export function postbackLogMigration(entityFile: string | undefined): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // ATTACH cannot run inside a transaction, so it comes before and after the one below. An absent
      // file is not attached: ATTACH would create it.
      const attached = entityFile !== undefined && existsSync(entityFile);
      if (attached) await sql`attach database ${entityFile} as entities`.execute(db);
      try {
        await db.transaction().execute(async (trx) => {
          await sql`create table postback_log (
  id integer primary key,
  received_at integer not null,
  method text not null,
  source_ip text not null,
  query text not null,
  outcome text not null,
  reason text not null,
  click_id text,
  offer_source_id integer,
  conversion_id integer
)`.execute(trx);
          const old = attached && (await sql`select 1 from entities.sqlite_master where type = 'table' and name = 'postback_log'`.execute(trx)).rows.length > 0;
          // Before the indexes: building them once over the copied rows is cheaper than growing them row by row.
          if (old) await sql.raw(`insert into postback_log (${COLUMNS}) select ${COLUMNS} from entities.postback_log order by id`).execute(trx);
          await sql`create index postback_log_time on postback_log (received_at)`.execute(trx);
          await sql`create index postback_log_offer_source on postback_log (offer_source_id, id)`.execute(trx);
          await sql`create index postback_log_click on postback_log (click_id, id)`.execute(trx);
          await sql`create index postback_log_conversion on postback_log (conversion_id, id) where conversion_id is not null`.execute(trx);
        });
      } finally {
        if (attached) await sql`detach database entities`.execute(db);
      }
    },
  };
}
