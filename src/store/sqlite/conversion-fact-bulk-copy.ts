import type BetterSqlite3 from 'better-sqlite3';
import { copyChangedConversions, type ConversionPages } from '../conversion-fact-copy.js';
import { CLICK_ONLY_COLUMNS, FACT_COLUMNS, FACT_UPSERT_CONFLICT, conversionFactsIn } from './conversion-facts.js';
import { HOUR_MS } from './report-columns.js';
import { conversionRollupAdderIn } from './report-rollups.js';

const ENTITY_IDS = new Set(['offer_source_id', 'offer_id', 'lander_id']);
/** The entity store's conversion columns in FACT_COLUMNS order; facts keep a missing entity id as 0. */
const FROM_CONVERSIONS = FACT_COLUMNS.map((column) => (ENTITY_IDS.has(column) ? `coalesce(${column}, 0)` : column)).join(', ');

interface BulkPage {
  size: number;
  last: { id: number; updatedAt: number };
}

/**
 * The conversion fact copy in SQL, for an events.db whose entity file is at hand (embedded mode): a
 * page of the entity store's conversions goes into a temporary table, and from there into the facts,
 * with the click's dimensions and the dirty hours of old and new values, in one transaction. Runs on
 * the rollup thread; the watermark moves as the copy through the ports moves it.
 */
export function conversionFactBulkCopyIn(database: BetterSqlite3.Database, entityFile: string) {
  database.prepare('attach database ? as entities').run(entityFile);
  database.exec(`create temp table if not exists fact_page as select ${FACT_COLUMNS.join(', ')} from main.conversion_facts where 0`);
  const facts = conversionFactsIn(database);
  const clear = database.prepare('delete from temp.fact_page');
  const fillAfterId = database.prepare(`insert into temp.fact_page select ${FROM_CONVERSIONS} from entities.conversions where id > ? order by id limit ?`);
  const fillChanged = database.prepare(
    // changed_at, not updated_at: new conversions come by id above; the partial index holds changed rows alone.
    `insert into temp.fact_page select ${FROM_CONVERSIONS} from entities.conversions
     where changed_at is not null and (changed_at, id) > (?, ?) order by changed_at, id limit ?`,
  );
  const summary = database.prepare(
    'select count(*) as size, (select id from temp.fact_page order by updated_at desc, id desc limit 1) as id, max(updated_at) as updatedAt from temp.fact_page',
  );
  // Conversions of the page not yet among the facts: added to the rollups, not summed again.
  database.exec('create temp table if not exists new_fact_ids (id integer primary key)');
  const clearNew = database.prepare('delete from temp.new_fact_ids');
  const noteNew = database.prepare('insert into temp.new_fact_ids select id from temp.fact_page p where not exists (select 1 from conversion_facts f where f.id = p.id)');
  // A change is read again for a few seconds (conversion-fact-copy.ts): a fact already equal to it is left alone.
  const dropUnchanged = database.prepare(
    `delete from temp.fact_page where exists (select 1 from conversion_facts f where f.id = fact_page.id and ${FACT_COLUMNS.map((c) => `f.${c} is fact_page.${c}`).join(' and ')})`,
  );
  const addNewToRollups = conversionRollupAdderIn(database, 'temp.new_fact_ids');
  const lastById = database.prepare('select id, updated_at as updatedAt from temp.fact_page order by id desc limit 1');
  const hoursOf = (table: string, filter: string) =>
    database.prepare(
      `insert or ignore into conversion_dirty_hours (basis, hour)
       select 'click', f.click_at - f.click_at % ${HOUR_MS} from ${table} f ${filter}
       union select 'postback', f.converted_at - f.converted_at % ${HOUR_MS} from ${table} f ${filter}`,
    );
  // The rollups sum again every hour a changed conversion was or is counted in, in both time bases.
  const markPrevious = hoursOf('conversion_facts', 'join temp.fact_page p on p.id = f.id');
  const markChanged = hoursOf('temp.fact_page', 'where f.id not in (select id from temp.new_fact_ids)');
  const upsert = database.prepare(
    `insert into conversion_facts (${[...FACT_COLUMNS, ...CLICK_ONLY_COLUMNS].join(', ')})
     select ${[...FACT_COLUMNS.map((c) => `p.${c}`), ...CLICK_ONLY_COLUMNS.map((c) => `k.${c}`)].join(', ')}
     from temp.fact_page p left join clicks k on k.click_id = p.click_id where true ${FACT_UPSERT_CONFLICT}`,
  );
  const write = database.transaction((watermark) => {
    dropUnchanged.run();
    clearNew.run();
    noteNew.run();
    markPrevious.run();
    markChanged.run();
    upsert.run();
    addNewToRollups();
    facts.setWatermark(watermark);
  });

  const page = (fill: () => void, last: () => BulkPage['last']): BulkPage => {
    clear.run();
    fill();
    const { size } = summary.get() as { size: number };
    return { size, last: size ? last() : { id: 0, updatedAt: 0 } };
  };
  const pages: ConversionPages<BulkPage> = {
    afterId: async (id, limit) => page(() => fillAfterId.run(id, limit), () => lastById.get() as BulkPage['last']),
    changedSince: async (cursor, limit) =>
      page(
        () => fillChanged.run(cursor.updatedAt, cursor.id, limit),
        () => {
          const { id, updatedAt } = summary.get() as { id: number; updatedAt: number };
          return { id, updatedAt };
        },
      ),
    size: (bulk) => bulk.size,
    last: (bulk) => bulk.last,
    // Immediate: the copy through the ports (a report's refresh) may write at the same moment.
    write: async (_bulk, watermark) => write.immediate(watermark),
  };
  return (now: number) => copyChangedConversions(pages, facts.watermark(), now);
}
