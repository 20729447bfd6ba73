import type BetterSqlite3 from 'better-sqlite3';
import { clickIdLowerBound } from '../../domain/click-id.js';
import {
  ALL_DIMENSION_COLUMNS,
  CONVERSION_BASES,
  CONVERSION_KEYS,
  CONVERSION_MEASURES,
  HOUR_MS,
  MEASURE_COLUMNS,
  QUARTER_MS,
  ROLLUPS,
  TIERS,
  conversionTable,
  rawClickColumn,
  trafficTable,
  type ConversionBasis,
} from './report-columns.js';

// Clicks summed per transaction. The sums are added to every tier under the events file's write lock.
// While clicks are arriving the click writer waits for that lock, so the slice grows or shrinks to
// hold it about LOCK_TARGET_MS (few groups, a campaign's hundred zones, allow large slices; 100 000
// distinct sub1 values small ones) and each is followed by a pause; a backlog with no clicks
// arriving (a first refresh, a restart) is summed in large slices without pauses.
const FIRST_SLICE = 1_000;
const MIN_SLICE = 200;
const MAX_SLICE = 20_000;
const LOCK_TARGET_MS = 2;
const RAW_SUMS = "count(*), sum(is_unique), sum(lander_clicked_at is not null), sum(is_bot), sum(outcome = 'blocked'), sum(cost_micros)";
const ROLLED_UP = "coalesce((select value from report_state where name = 'click_rowid'), 0)";
// Clicks a refresh has begun to read: a change to one of them may be missed by the slice being summed.
const BEING_ROLLED_UP = "coalesce((select max(value) from report_state where name in ('click_rowid', 'click_rowid_reading')), 0)";
const HOUR_IN_RAW = 'click_id >= ? and click_id < ? and created_at >= ? and created_at < ?';
const hourBounds = (hour: number) => [clickIdLowerBound(hour), clickIdLowerBound(hour + HOUR_MS), hour, hour + HOUR_MS];
const addOnConflict = (measures: readonly string[]) => measures.map((m) => `${m} = ${m} + excluded.${m}`).join(', ');

/**
 * Keeps the rollups (report-columns.ts) equal to the clicks and conversion facts, on a connection of
 * the rollup thread (rollup-thread.ts), never the click writer's nor the serving one's. New clicks are summed in by rowid (the writer only
 * appends), a slice at a time: into a temporary table by quarter hour, and from there into every tier.
 * Hours whose rolled-up clicks changed (a cost update, a lander click) and hours of changed
 * conversion facts are marked dirty by those writes and summed again: the hour's old share is taken
 * out of the coarser tiers, its quarters rebuilt from the source, and the new share added back.
 * Retention moves whole rolled-up hours of raw clicks into clicks_retained and deletes them.
 */
export function reportRollupsIn(database: BetterSqlite3.Database) {
  const state = database.prepare('select value from report_state where name = ?').pluck();
  const setState = database.prepare('insert into report_state (name, value) values (?, ?) on conflict (name) do update set value = excluded.value');
  const lastRowid = database.prepare('select coalesce(max(rowid), 0) from clicks').pluck();
  const rolledUp = () => Number(state.get('click_rowid') ?? 0);

  const traffic = ROLLUPS.map((rollup) => {
    const tables = TIERS.map((tier) => trafficTable(rollup, tier));
    const slice = `temp.slice_${rollup.name}`;
    const columns = rollup.columns.join(', ');
    const rawKeys = [`created_at - created_at % ${QUARTER_MS}`, ...rollup.columns.map(rawClickColumn)];
    database.exec(`create temp table if not exists slice_${rollup.name} as select * from ${tables[0]} where 0`);
    return {
      clearSlice: database.prepare(`delete from ${slice}`),
      fillSlice: database.prepare(
        `insert into ${slice} (bucket, ${columns}, ${MEASURE_COLUMNS.join(', ')})
         select ${rawKeys.join(', ')}, ${RAW_SUMS} from clicks where rowid > ? and rowid <= ? group by ${rawKeys.join(', ')}`,
      ),
      addSlice: TIERS.map((tier, i) =>
        database.prepare(
          `insert into ${tables[i]} (bucket, ${columns}, ${MEASURE_COLUMNS.join(', ')})
           select bucket - bucket % ${tier.size}, ${columns}, ${MEASURE_COLUMNS.map((m) => `sum(${m})`).join(', ')} from ${slice} where true
           group by bucket - bucket % ${tier.size}, ${columns}
           on conflict do update set ${addOnConflict(MEASURE_COLUMNS)}`,
        ),
      ),
      resum: hourResummer(database, tables, rollup.columns, MEASURE_COLUMNS, [
        database.prepare(
          `insert into ${tables[0]} (bucket, ${columns}, ${MEASURE_COLUMNS.join(', ')})
           select ${rawKeys.join(', ')}, ${RAW_SUMS} from clicks where ${HOUR_IN_RAW} and rowid <= ${ROLLED_UP} group by ${rawKeys.join(', ')}`,
        ),
        database.prepare(
          `insert into ${tables[0]} (bucket, ${columns}, ${MEASURE_COLUMNS.join(', ')})
           select bucket, ${columns}, ${MEASURE_COLUMNS.map((m) => `sum(${m})`).join(', ')} from clicks_retained where bucket >= ? and bucket < ?
           group by bucket, ${columns}
           on conflict do update set ${addOnConflict(MEASURE_COLUMNS)}`,
        ),
      ], (hour) => [hourBounds(hour), [hour, hour + HOUR_MS]]),
    };
  });
  // A slice is summed into temporary tables first, reading the clicks without the write lock; the
  // lock is held only to add those sums to the tiers. The mark is read again inside that transaction:
  // another connection (a second process on the file) may have summed the same clicks meanwhile.
  const fillSlices = (after: number, upTo: number) => {
    for (const rollup of traffic) {
      rollup.clearSlice.run();
      rollup.fillSlice.run(after, upTo);
    }
  };
  const addSlices = database.transaction((after: number, upTo: number) => {
    if (rolledUp() !== after) return;
    for (const rollup of traffic) for (const statement of rollup.addSlice) statement.run();
    setState.run('click_rowid', upTo);
  });
  const dirtyHours = database.prepare('select hour from rollup_dirty_hours order by hour').pluck();
  const isDirty = database.prepare('select 1 from rollup_dirty_hours where hour = ?').pluck();
  const clean = database.prepare('delete from rollup_dirty_hours where hour = ?');
  const resumTrafficHour = database.transaction((hour: number) => {
    if (!isDirty.get(hour)) return;
    for (const rollup of traffic) rollup.resum(hour);
    clean.run(hour);
  });

  const conversions = CONVERSION_BASES.map((basis) => ({
    basis: basis.name,
    rollups: ROLLUPS.map((rollup) => {
      const tables = TIERS.map((tier) => conversionTable(rollup, basis.name, tier));
      const keys = [...rollup.columns, ...CONVERSION_KEYS];
      const sourceKeys = [`${basis.column} - ${basis.column} % ${QUARTER_MS}`, ...rollup.columns, "coalesce(type, '')", 'status'];
      return hourResummer(database, tables, keys, CONVERSION_MEASURES, [
        database.prepare(
          `insert into ${tables[0]} (bucket, ${keys.join(', ')}, ${CONVERSION_MEASURES.join(', ')})
           select ${sourceKeys.join(', ')}, count(*), sum(payout_micros) from conversion_facts
           where ${basis.column} >= ? and ${basis.column} < ? group by ${sourceKeys.join(', ')}`,
        ),
      ], (hour) => [[hour, hour + HOUR_MS]]);
    }),
  }));
  const conversionDirtyHours = database.prepare('select basis, hour from conversion_dirty_hours order by basis, hour');
  const isConversionHourDirty = database.prepare('select 1 from conversion_dirty_hours where basis = ? and hour = ?').pluck();
  const cleanConversionHour = database.prepare('delete from conversion_dirty_hours where basis = ? and hour = ?');
  const resumConversionHour = database.transaction((basis: ConversionBasis, hour: number) => {
    if (!isConversionHourDirty.get(basis, hour)) return;
    for (const resum of conversions.find((c) => c.basis === basis)!.rollups) resum(hour);
    cleanConversionHour.run(basis, hour);
  });


  const allColumns = ALL_DIMENSION_COLUMNS.join(', ');
  const allRawKeys = [`created_at - created_at % ${QUARTER_MS}`, ...ALL_DIMENSION_COLUMNS.map(rawClickColumn)];
  const oldestClickFrom = database.prepare('select created_at from clicks where click_id >= ? order by click_id limit 1').pluck();
  const retain = database.prepare(
    `insert into clicks_retained (bucket, ${allColumns}, ${MEASURE_COLUMNS.join(', ')})
     select ${allRawKeys.join(', ')}, ${RAW_SUMS} from clicks where ${HOUR_IN_RAW} and rowid <= ? group by ${allRawKeys.join(', ')}`,
  );
  const deleteHour = database.prepare(`delete from clicks where ${HOUR_IN_RAW} and rowid <= ?`);
  const retainHour = database.transaction((hour: number): number => {
    resumTrafficHour(hour);
    // The newest click always stays: on an empty table SQLite would hand out rowids from 1 again,
    // below the rolled-up mark.
    const upTo = Math.min(rolledUp(), Number(lastRowid.get()) - 1);
    retain.run(...hourBounds(hour), upTo);
    return deleteHour.run(...hourBounds(hour), upTo).changes;
  });

  // Learnt from run to run: the traffic's cardinality changes slowly.
  let slice = FIRST_SLICE;
  // The newest click at the last look: clicks beyond it mean the writer is at work.
  let seenRowid: number | undefined;
  async function run() {
    // Immediate transactions: two refreshers wait for each other's write lock instead of failing on
    // a stale read snapshot.
    for (;;) {
      const newest = Number(lastRowid.get());
      const clicksArriving = seenRowid !== undefined && newest > seenRowid;
      seenRowid = newest;
      const after = rolledUp();
      const upTo = Math.min(newest, after + (clicksArriving ? slice : MAX_SLICE));
      if (upTo <= after) break;
      // Announced first, so a lander click on one of these clicks from now on marks its hour again.
      setState.run('click_rowid_reading', upTo);
      fillSlices(after, upTo);
      const heldMs = await holdingWriteLock(() => addSlices.immediate(after, upTo), clicksArriving);
      if (clicksArriving) slice = Math.round(Math.min(MAX_SLICE, Math.max(MIN_SLICE, (slice * LOCK_TARGET_MS) / Math.max(heldMs, 0.1))));
    }
    for (const hour of dirtyHours.all() as number[]) {
      await holdingWriteLock(() => resumTrafficHour.immediate(hour), true);
    }
    for (const { basis, hour } of conversionDirtyHours.all() as { basis: ConversionBasis; hour: number }[]) {
      await holdingWriteLock(() => resumConversionHour.immediate(basis, hour), true);
    }
  }
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  /** One run at a time; a call during a run waits for a fresh one, so it sees every write made before it. */
  function refresh(): Promise<void> {
    if (!running) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  }

  return {
    refresh,
    async deleteClicksBefore(before: number): Promise<number> {
      await refresh();
      let deleted = 0;
      // Hour by hour from the oldest click; clicks newer than the last refresh stay until the next run.
      for (let from = 0; ; ) {
        const oldest = oldestClickFrom.get(clickIdLowerBound(from)) as number | undefined;
        if (oldest === undefined) break;
        const hour = oldest - (oldest % HOUR_MS);
        if (hour + HOUR_MS > before) break;
        await holdingWriteLock(() => (deleted += retainHour.immediate(hour)), true);
        from = hour + HOUR_MS;
      }
      return deleted;
    },
  };
}

/**
 * Adds conversion facts that were not in `conversion_facts` before (their ids in `idsTable`, the facts
 * already written) to every conversion rollup tier, in both time bases: a new conversion only adds to
 * its buckets, so its hour is not summed again (the current hour of a busy account would be summed
 * again on every refresh). Grouped per rollup into a temporary table first, as click slices are.
 */
export function conversionRollupAdderIn(database: BetterSqlite3.Database, idsTable: string) {
  const statements = ROLLUPS.flatMap((rollup) => {
    const keys = [...rollup.columns, ...CONVERSION_KEYS];
    const slice = `temp.conversion_slice_${rollup.name}`;
    database.exec(`create temp table if not exists conversion_slice_${rollup.name} as select * from ${conversionTable(rollup, 'click', TIERS[0]!)} where 0`);
    return CONVERSION_BASES.flatMap((basis) => [
      database.prepare(`delete from ${slice}`),
      database.prepare(
        `insert into ${slice} (bucket, ${keys.join(', ')}, ${CONVERSION_MEASURES.join(', ')})
         select ${[`f.${basis.column} - f.${basis.column} % ${QUARTER_MS}`, ...rollup.columns.map((c) => `f.${c}`), "coalesce(f.type, '')", 'f.status'].join(', ')},
                count(*), sum(f.payout_micros)
         from ${idsTable} n join conversion_facts f on f.id = n.id group by 1, ${keys.map((_, i) => i + 2).join(', ')}`,
      ),
      ...TIERS.map((tier) =>
        database.prepare(
          `insert into ${conversionTable(rollup, basis.name, tier)} (bucket, ${keys.join(', ')}, ${CONVERSION_MEASURES.join(', ')})
           select bucket - bucket % ${tier.size}, ${keys.join(', ')}, ${CONVERSION_MEASURES.map((m) => `sum(${m})`).join(', ')} from ${slice} where true
           group by bucket - bucket % ${tier.size}, ${keys.join(', ')}
           on conflict do update set ${addOnConflict(CONVERSION_MEASURES)}`,
        ),
      ),
    ]);
  });
  return () => {
    for (const statement of statements) statement.run();
  };
}

/**
 * What writes to rolled-up clicks call: two statements, so a lander click (the edge's path) prepares
 * nothing else.
 */
export function rollupMarksIn(database: BetterSqlite3.Database) {
  const markLanderClick = database.prepare(
    `insert or ignore into rollup_dirty_hours (hour) select created_at - created_at % ${HOUR_MS} from clicks where click_id = ? and rowid <= ${BEING_ROLLED_UP}`,
  );
  const markHour = database.prepare('insert or ignore into rollup_dirty_hours (hour) values (?)');
  return {
    /** After a lander click: its hour is summed again if it was already rolled up, or is being read. */
    markLanderClick(clickId: string) {
      markLanderClick.run(clickId);
    },
    /** After a cost update: the hours of the changed clicks are summed again. */
    markHours(times: Iterable<number>) {
      const hours = new Set<number>();
      for (const at of times) hours.add(at - (at % HOUR_MS));
      for (const hour of hours) markHour.run(hour);
    },
  };
}

/**
 * Sums one hour of a rollup again: its old share leaves every coarser tier, its quarter rows are
 * rebuilt by `fill` (statements with their parameters per hour), and the new share joins the tiers.
 * Rows left at zero stay; readers skip them.
 */
function hourResummer(
  database: BetterSqlite3.Database,
  tables: string[],
  keys: readonly string[],
  measures: readonly string[],
  fill: BetterSqlite3.Statement[],
  parameters: (hour: number) => (string | number)[][],
) {
  const columns = keys.join(', ');
  const share = (sign: string) =>
    TIERS.slice(1).map((tier, i) =>
      database.prepare(
        `insert into ${tables[i + 1]} (bucket, ${columns}, ${measures.join(', ')})
         select ?, ${columns}, ${measures.map((m) => `${sign}sum(${m})`).join(', ')} from ${tables[0]} where bucket >= ? and bucket < ? group by ${columns}
         on conflict do update set ${addOnConflict(measures)}`,
      ),
    );
  const subtract = share('-');
  const add = share('');
  const clear = database.prepare(`delete from ${tables[0]} where bucket >= ? and bucket < ?`);
  return (hour: number) => {
    const end = hour + HOUR_MS;
    const blocks = TIERS.slice(1).map((tier) => hour - (hour % tier.size));
    subtract.forEach((statement, i) => statement.run(blocks[i], hour, end));
    clear.run(hour, end);
    const values = parameters(hour);
    fill.forEach((statement, i) => statement.run(...values[i]!));
    add.forEach((statement, i) => statement.run(blocks[i], hour, end));
  };
}

/**
 * Runs a write transaction of the rollups and, when others may be waiting for the lock (`yieldLock`),
 * waits as long as it took (at least a millisecond): the click writer, retrying on SQLite's busy
 * timeout, finds the lock free at least half the time. Returns how long the lock was held, in ms.
 */
async function holdingWriteLock(transaction: () => void, yieldLock: boolean): Promise<number> {
  const started = performance.now();
  transaction();
  const held = performance.now() - started;
  await new Promise<void>((resolve) => (yieldLock ? setTimeout(resolve, Math.max(1, Math.ceil(held))) : setImmediate(resolve)));
  return held;
}
