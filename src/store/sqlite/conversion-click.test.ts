import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Click } from '../../domain/click.js';
import { mintClickId } from '../../domain/click-id.js';
import type { ConversionClick } from '../event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

const NOW = Date.UTC(2026, 10, 23, 12);

function click(i: number, overrides: Partial<Click> = {}): Click {
  return {
    clickId: mintClickId(NOW + i),
    createdAt: NOW + i,
    campaignId: 3 + i,
    trafficChannelId: 7,
    ruleIndex: 1,
    pathIndex: 2,
    landerId: 11,
    offerId: 21,
    outcome: 'routed',
    refId: `ref-${i}`,
    subs: Array.from({ length: 20 }, (_, s) => (s % 3 === 0 ? `s${s + 1}-${i}` : '')),
    params: { zone: 'z' },
    cost: 1500,
    ip: '203.0.113.9',
    country: 'DE',
    region: 'Berlin',
    city: 'Berlin',
    isp: 'Telekom',
    asn: 3320,
    deviceType: 'mobile',
    brand: 'Apple',
    model: 'iPhone',
    os: 'iOS',
    osVersion: '17',
    browser: 'Safari',
    browserVersion: '17',
    language: 'de',
    connectionType: 'wifi',
    referrer: 'https://news.example/a',
    referrerDomain: 'news.example',
    userAgent: 'Mozilla/5.0 (iPhone)',
    isBot: false,
    isUnique: true,
    visitorKey: 'v1',
    direct: false,
    landerClickedAt: null,
    landerClickOfferId: null,
    ...overrides,
  };
}

const conversionFields = (c: Click): ConversionClick => ({
  createdAt: c.createdAt,
  campaignId: c.campaignId,
  trafficChannelId: c.trafficChannelId,
  ruleIndex: c.ruleIndex,
  pathIndex: c.pathIndex,
  landerId: c.landerId,
  offerId: c.offerId,
  landerClickOfferId: c.landerClickOfferId,
  refId: c.refId,
  subs: c.subs,
  country: c.country,
  region: c.region,
  city: c.city,
  isp: c.isp,
  deviceType: c.deviceType,
  os: c.os,
  browser: c.browser,
  isBot: c.isBot,
});

test('the conversion lookup gives each click the fields a conversion copies, alone or with the lookups of the same turn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-conversion-click-'));
  const events = createSqliteEventStore(join(dir, 'events.db'));
  try {
    await events.migrate();
    const clicks = [
      click(1),
      click(2, { landerId: null, offerId: null, isBot: true, country: '', subs: Array.from({ length: 20 }, () => '') }),
      click(3, { landerClickedAt: NOW + 60_000, landerClickOfferId: 22 }),
    ];
    await events.write({ clicks, impressions: [] });

    const unknown = mintClickId(NOW + 9);
    const together = await Promise.all([...clicks.map((c) => events.findClickForConversion(c.clickId)), events.findClickForConversion(unknown)]);
    assert.deepEqual(together, [...clicks.map(conversionFields), undefined]);
    for (const c of clicks) {
      const full = await events.findClick(c.clickId);
      assert.deepEqual(await events.findClickForConversion(c.clickId), conversionFields(full!), 'the same values the full click has');
    }
  } finally {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
