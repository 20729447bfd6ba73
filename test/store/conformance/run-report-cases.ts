import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventStore } from '../../../src/store/event-store.js';
import type { FactQuery, FactRow } from '../../../src/store/report-facts.js';
import { REPORT_CASES, type ReportCase } from './report-cases.js';
import { AFTER_ALL_CLICKS, CLICKS, CONVERSIONS, ENTITIES, IMPRESSIONS } from './report-fixture.js';

/** Opens an empty, migrated event store of one adapter; `close` also removes what it created. */
export type OpenEventStore = () => Promise<{ events: EventStore; close(): Promise<void> }>;

/**
 * Runs every report case against one adapter: on the fixture as written, and again after retention
 * deleted every raw click (the numbers must not move). A future adapter calls this with its own opener.
 */
export function runReportConformance(adapter: string, open: OpenEventStore) {
  describe(`report conformance: ${adapter}`, () => {
    for (const reportCase of REPORT_CASES) {
      test(reportCase.name, () => withFixture(open, async (events) => {
        await applyActions(events, reportCase);
        await events.refreshRollups();
        assertRows(await events.reportFacts(fullQuery(reportCase)), reportCase.rows);
      }));
    }
    for (const reportCase of REPORT_CASES.filter((c) => !c.actions)) {
      test(`after retention deleted the raw clicks: ${reportCase.name}`, () => withFixture(open, async (events) => {
        // Every click is past retention; an adapter may keep the last one written (SQLite does, so its rowids never restart).
        const deleted = await events.deleteClicksBefore(AFTER_ALL_CLICKS);
        assert.ok(deleted >= CLICKS.length - 1, `${deleted} clicks deleted`);
        for (const c of CLICKS.slice(0, -1)) assert.equal(await events.findClick(c.clickId), undefined);
        assertRows(await events.reportFacts(fullQuery(reportCase)), reportCase.rows);
      }));
    }
  });
}

async function withFixture(open: OpenEventStore, body: (events: EventStore) => Promise<void>) {
  const { events, close } = await open();
  try {
    await events.write({ clicks: CLICKS, impressions: IMPRESSIONS });
    await events.writeReportEntities(ENTITIES);
    await events.writeConversionFacts(CONVERSIONS, { updatedAt: Math.max(...CONVERSIONS.map((c) => c.updatedAt)), id: 5, maxId: 5 });
    await events.refreshRollups();
    await body(events);
  } finally {
    await close();
  }
}

async function applyActions(events: EventStore, reportCase: ReportCase) {
  for (const action of reportCase.actions ?? []) {
    if ('setClickCost' in action) await events.setClickCost(action.setClickCost, action.total);
    else assert.equal(await events.recordLanderClick(action.landerClick.clickId, action.landerClick.offerId, action.landerClick.at), true);
  }
}

function fullQuery(reportCase: ReportCase): FactQuery {
  return { timeZone: 'UTC', groupBy: [], filters: [], conversionTime: 'click', ...reportCase.query };
}

function assertRows(actual: FactRow[], expected: FactRow[]) {
  assert.deepEqual(normalize(actual), normalize(expected));
}

function normalize(rows: FactRow[]) {
  const order = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0);
  return rows
    .map((row) => ({ ...row, conversions: [...row.conversions].sort((a, b) => order([a.type, a.status], [b.type, b.status])) }))
    .sort((a, b) => order(a.key, b.key));
}
