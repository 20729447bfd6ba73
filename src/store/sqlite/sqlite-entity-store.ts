import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DuplicatePlan } from '../../domain/duplicate-resolution.js';
import type { NewConversion } from '../../domain/conversion.js';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import type { CommittedPostback, EntityStore, PostbackCommit, RecordedConversion } from '../entity-store.js';
import { conversionFromRow } from '../sql/conversion-repository.js';
import type { ConversionTable, Database } from '../sql/database.js';
import { conversionParameters, insertedConversion, outboxParameters, postbackCommitSql } from '../sql/postback-commit-sql.js';
import { createSqlEntityStore } from '../sql/sql-entity-store.js';
import { startBackgroundCheckpointer } from './background-checkpointer.js';
import { openSqlite } from './open-sqlite.js';
import { withStatementCache } from './statement-cache.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** The embedded-mode EntityStore: one SQLite file. */
/** `walRestartFrames`: how long the WAL may grow before it is made to start over (tests make it short). */
export function createSqliteEntityStore(file: string, options: { walRestartFrames?: number } = {}): EntityStore {
  const database = openSqlite(file);
  // Each postback inserts into the conversions' click index at a random place; with SQLite's default
  // 2 MB page cache those leaves were read back from the file on nearly every insert.
  database.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  // Postbacks dirty pages all over the click-id indexes; checkpointing inside their commits copied
  // nearly every page again, on the event loop. When the WAL is long, Kysely's one connection is held
  // (commits wait) while the checkpointer's thread copies the last frames and syncs the file: copying
  // them here blocked the event loop a tenth of the time under a postback load.
  const checkpointer = startBackgroundCheckpointer(file, database, (checkpointOnThread) => db.connection().execute(() => checkpointOnThread()), options.walRestartFrames);
  const commitPostbacks = sqlitePostbackCommits(database);
  return createSqlEntityStore(db, sqliteDialect, {
    async close() {
      await checkpointer.stop();
      await db.destroy();
    },
    // Kysely's one connection is taken first: a Kysely transaction waiting on an await would otherwise
    // take the batch in as a savepoint and commit it (or roll it back) later.
    commitPostbacks: (commits) => db.connection().execute(async () => commitPostbacks(commits)),
  });
}

type Row = ConversionTable & { id: number };

/**
 * Postback commits over prepared statements: a batch is one immediate transaction. When it fails for
 * a reason of one postback (a broken row, a throwing settle), each is tried again alone so the others
 * still commit; when the database itself fails (busy, disk full), every postback of the batch fails.
 */
function sqlitePostbackCommits(database: BetterSqlite3.Database): (commits: PostbackCommit[]) => PromiseSettledResult<CommittedPostback>[] {
  const prepare = () => {
    const sql = postbackCommitSql(() => '?', { idFromDriver: true });
    const statement = (text: string) => database.prepare(text);
    return {
      insertConversion: statement(sql.insertConversion),
      insertConversionUnlessKeyTaken: statement(sql.insertConversionUnlessKeyTaken),
      insertOrEditConversion: statement(sql.insertOrEditConversion),
      insertOrIncrementConversion: statement(sql.insertOrIncrementConversion),
      conversionByDedupeKey: statement(sql.conversionByDedupeKey),
      changeConversionStatus: statement(sql.changeConversionStatus),
      enqueueOutbox: statement(sql.enqueueOutbox),
    };
  };
  // Prepared on first use: the tables exist only once the migrations have run.
  let statements: ReturnType<typeof prepare> | undefined;

  // The new row's id, or undefined when the insert changed nothing (its dedupe key is taken).
  const insertedId = ({ changes, lastInsertRowid }: BetterSqlite3.RunResult) => (changes ? Number(lastInsertRowid) : undefined);

  const record = (values: NewConversion, plan: DuplicatePlan): RecordedConversion => {
    const s = (statements ??= prepare());
    const parameters = conversionParameters(values, plan);
    switch (plan.onConflict) {
      case 'none': {
        const id = insertedId(s.insertConversion.run(parameters))!;
        return { outcome: 'created', conversion: insertedConversion(id, values, plan) };
      }
      case 'ignore': {
        const id = insertedId(s.insertConversionUnlessKeyTaken.run(parameters));
        if (id !== undefined) return { outcome: 'created', conversion: insertedConversion(id, values, plan) };
        return { outcome: 'ignored', conversion: conversionFromRow(s.conversionByDedupeKey.get(plan.dedupeKey) as Row) };
      }
      case 'insert_repeated': {
        const first = insertedId(s.insertConversionUnlessKeyTaken.run(parameters));
        if (first !== undefined) return { outcome: 'created', conversion: insertedConversion(first, values, plan) };
        const id = insertedId(s.insertConversion.run(conversionParameters(values, plan, true)))!;
        return { outcome: 'created', conversion: insertedConversion(id, values, plan, true) };
      }
      case 'edit':
      case 'increment_payout': {
        const editing = plan.onConflict === 'edit';
        // Read in the same transaction: an edit replaces status and payout, which the caps counted.
        const before = editing ? (s.conversionByDedupeKey.get(plan.dedupeKey) as Row | undefined) : undefined;
        const conversion = conversionFromRow((editing ? s.insertOrEditConversion : s.insertOrIncrementConversion).get(parameters) as Row);
        if (conversion.postbackCount === 1) return { outcome: 'created', conversion };
        if (!editing) return { outcome: 'incremented', conversion };
        return { outcome: 'edited', conversion, previous: before && { status: before.status as ConversionStatus, payout: Number(before.payout_micros) } };
      }
    }
  };

  const apply = (commit: PostbackCommit): CommittedPostback => {
    const s = (statements ??= prepare());
    const recorded = record(commit.values, commit.plan);
    const settlement = commit.settle(recorded);
    let conversion = recorded.conversion;
    if (settlement.statusChange) {
      const { status, at } = settlement.statusChange;
      s.changeConversionStatus.run(status, at, at, conversion.id);
      conversion = { ...conversion, status, updatedAt: at };
    }
    if (settlement.channelPostback) s.enqueueOutbox.run(outboxParameters(settlement.channelPostback));
    return { recorded: { outcome: recorded.outcome, conversion }, settlement };
  };

  const commitAll = database.transaction((commits: PostbackCommit[]) => commits.map(apply));
  const commitOne = database.transaction(apply);
  return (commits) => {
    try {
      return commitAll.immediate(commits).map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      if (commits.length === 1 || databaseFailed(error)) return commits.map(() => ({ status: 'rejected', reason: error }));
      return commits.map((commit) => {
        try {
          return { status: 'fulfilled', value: commitOne.immediate(commit) };
        } catch (reason) {
          return { status: 'rejected', reason };
        }
      });
    }
  };
}

/** Errors of the database as a whole, which trying the postbacks one by one would only repeat. */
function databaseFailed(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|NOMEM|PERM|AUTH|PROTOCOL|INTERRUPT)/.test(code);
}
