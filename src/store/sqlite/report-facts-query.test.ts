import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Click } from '../../domain/click.js';
import { clickDimensionsOf } from '../../domain/conversion.js';
import type { ConversionFact, FactQuery, FactRow } from '../report-facts.js';
import { makeClick } from '../../../test/support/click-fixture.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-19T00:00:00Z');

// Six groups (campaign × country) with a click every half hour for four days: an hour bucket holds
// as many rows as a day bucket, so a day minus its first hours reads fewer rows than the hours it keeps.
const CLICKS: Click[] = [];
for (let at = START; at < START + 96 * HOUR; at += HOUR / 2) {
  for (let group = 0; group < 6; group++) {
    CLICKS.push(makeClick({ campaignId: 1 + (group % 3), createdAt: at + group, country: group < 3 ? 'US' : 'DE', cost: 1_000 + group, isUnique: group % 2 === 0 }));
  }
}
// A conversion every five hours, on clicks inside the range and in the part of a day taken away.
const CONVERSIONS: ConversionFact[] = CLICKS.filter((_, i) => i % 60 === 7).map((click, i) => ({
  id: i + 1,
  clickId: click.clickId,
  clickAt: click.createdAt,
  convertedAt: click.createdAt + HOUR,
  updatedAt: click.createdAt + HOUR,
  type: i % 2 ? 'Purchase' : null,
  status: i % 3 ? 'approved' : 'pending',
  payout: 1_000_000 + i,
  ...clickDimensionsOf(click),
  offerSourceId: 1,
  offerId: click.offerId ?? 0,
  landerId: click.landerId ?? 0,
}));

/** The report as the raw events add up, group by group. */
function expected(query: FactQuery): FactRow[] {
  const rows = new Map<string, FactRow>();
  const rowOf = (campaignId: number, country: string) => {
    const id = `${campaignId}|${country}`;
    if (!rows.has(id)) rows.set(id, { key: [campaignId, country], impressions: 0, clicks: 0, uniqueClicks: 0, landerClicks: 0, botClicks: 0, blockedClicks: 0, cost: 0, conversions: [] });
    return rows.get(id)!;
  };
  for (const click of CLICKS) {
    if (click.createdAt < query.from || click.createdAt >= query.to) continue;
    const row = rowOf(click.campaignId, click.country);
    row.clicks += 1;
    row.uniqueClicks += click.isUnique ? 1 : 0;
    row.cost += click.cost;
  }
  for (const conversion of CONVERSIONS) {
    if (conversion.clickAt < query.from || conversion.clickAt >= query.to) continue;
    const row = rowOf(conversion.campaignId, conversion.country);
    const same = row.conversions.find((m) => m.type === conversion.type && m.status === conversion.status);
    if (same) {
      same.count += 1;
      same.revenue += conversion.payout;
    } else row.conversions.push({ type: conversion.type, status: conversion.status, count: 1, revenue: conversion.payout });
  }
  return [...rows.values()];
}

const normalize = (rows: FactRow[]) =>
  rows
    .map((row) => ({ ...row, conversions: [...row.conversions].sort((a, b) => `${a.type}|${a.status}`.localeCompare(`${b.type}|${b.status}`)) }))
    .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));

test('a range whose edges are read as coarse buckets minus their outside parts sums exactly the clicks and conversions inside it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'waypost-report-facts-'));
  const events = createSqliteEventStore(join(dir, 'events.db'));
  try {
    await events.migrate();
    await events.write({ clicks: CLICKS, impressions: [] });
    await events.writeConversionFacts(CONVERSIONS, { updatedAt: Math.max(...CONVERSIONS.map((c) => c.updatedAt)), id: CONVERSIONS.length, maxId: CONVERSIONS.length });
    await events.refreshRollups();
    // Edges at 04:00 and 19:30 UTC, and one a few seconds past a quarter hour (read raw).
    for (const [from, to] of [
      [START + 28 * HOUR, START + 67.5 * HOUR],
      [START + 4 * HOUR + 7_000, START + 90 * HOUR],
      [START + 30 * HOUR, START + 31 * HOUR],
    ] as const) {
      const query: FactQuery = { from, to, timeZone: 'America/New_York', groupBy: ['campaign', 'country'], filters: [], conversionTime: 'click' };
      assert.deepEqual(normalize(await events.reportFacts(query)), normalize(expected(query)), `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
    }
  } finally {
    await events.close();
    await rm(dir, { recursive: true, force: true });
  }
});
