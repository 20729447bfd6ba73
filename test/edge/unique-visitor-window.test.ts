import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { startEdgeRuntime } from '../../src/edge/edge-runtime.js';
import { createNullVisitorDetector } from '../../src/edge/detection/visitor-detector.js';
import { campaignInputSchema } from '../../src/domain/campaign.js';
import { offerInputSchema } from '../../src/domain/offer.js';
import { offerSourceInputSchema } from '../../src/domain/offer-source.js';
import { trafficChannelInputSchema } from '../../src/domain/traffic-channel.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { makeClick } from '../support/click-fixture.js';

const DAY = 24 * 3_600_000;

test('visitors are remembered across a restart as far back as the longest uniqueness window in use, not a fixed week', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-uniques-'));
  const entities = createSqliteEntityStore(join(dir, 'waypost.db'));
  const events = createSqliteEventStore(join(dir, 'events.db'), { entityFile: join(dir, 'waypost.db') });
  const now = Date.now();
  try {
    await entities.migrate();
    await events.migrate();
    const channel = await entities.trafficChannels.create(trafficChannelInputSchema.parse({ name: 'Channel' }));
    const source = await entities.offerSources.create(offerSourceInputSchema.parse({ name: 'Network' }));
    const offer = await entities.offers.create(offerInputSchema.parse({ name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}' }));
    const funnel = { paths: [{ offers: [{ offerId: offer.id }] }] };
    // Unique once in 30 days, and a campaign with the default day beside it.
    const monthly = await entities.campaigns.create({ ...campaignInputSchema.parse({ name: 'Monthly', trafficChannelId: channel.id, funnel, uniquenessWindowHours: 30 * 24 }), key: 'monthly' });
    const daily = await entities.campaigns.create({ ...campaignInputSchema.parse({ name: 'Daily', trafficChannelId: channel.id, funnel }), key: 'daily' });
    // Clicks of an earlier run of the process: 10 and 40 days ago on the monthly campaign, 2 days ago on the daily one.
    await events.write({
      clicks: [
        makeClick({ campaignId: monthly.id, createdAt: now - 10 * DAY, visitorKey: 'ten-days' }),
        makeClick({ campaignId: monthly.id, createdAt: now - 40 * DAY, visitorKey: 'forty-days' }),
        makeClick({ campaignId: daily.id, createdAt: now - 2 * DAY, visitorKey: 'two-days' }),
      ],
      impressions: [],
    });

    const edge = await startEdgeRuntime({
      entities,
      events,
      detector: createNullVisitorDetector(),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      secretKey: Buffer.alloc(32, 7),
      secureCookies: false,
      trustedProxies: [],
      accountCurrency: 'USD',
      now: () => now,
    });
    try {
      const { uniques } = edge.deps.state;
      assert.equal(uniques.visit(monthly.id, 'ten-days', now, 30 * DAY), false, 'seen 10 days ago: within the 30-day window, so not unique');
      assert.equal(uniques.visit(monthly.id, 'forty-days', now, 30 * DAY), true, 'seen 40 days ago: unique again');
      assert.equal(uniques.visit(daily.id, 'two-days', now, DAY), true, 'the daily campaign: unique after a day');
      // A sweep keeps what the longest window still needs.
      assert.equal(uniques.sweepSome(now - edge.deps.state.snapshot().longestUniquenessWindowMs, 1_000), true);
      assert.equal(uniques.visit(monthly.id, 'ten-days', now + DAY, 30 * DAY), false);
    } finally {
      await edge.stop();
    }
  } finally {
    await events.close();
    await entities.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
