import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { queueChannelPostback } from '../../src/conversions/channel-postback-queue.js';
import type { Campaign, CampaignInput } from '../../src/domain/campaign.js';
import type { TrafficChannel, TrafficChannelInput } from '../../src/domain/traffic-channel.js';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import type { EntityStore, OutboxEntry } from '../../src/store/entity-store.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { retryDelayMs, sendDueOutbox } from '../../src/worker/jobs/send-outbox.js';
import { startWorker } from '../../src/worker/start-worker.js';
import { startFakeTrafficChannel, type FakeTrafficChannel } from '../fakes/fake-traffic-channel.js';
import { recordConversion } from '../support/conversions.js';

const logger = createLogger({ logLevel: 'silent' });
// The allow list as a user would configure it, so the fake channel on loopback can be reached.
const config = loadConfig({ WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
const allowingGuard = createOutboundUrlGuard({ allowHosts: config.outbound.allowHosts });

let dir: string;
let store: EntityStore;
let fake: FakeTrafficChannel;
let channel: TrafficChannel;
let campaign: Campaign;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'waypost-outbox-'));
  store = createSqliteEntityStore(join(dir, 'waypost.db'));
  await store.migrate();
  fake = await startFakeTrafficChannel();
  channel = await store.trafficChannels.create(channelInput({ postbackUrl: `${fake.url}/zppostback/abc?cid={ref_id}&payout={payout}&status={status}` }));
  campaign = await store.campaigns.create({ ...campaignInput(channel.id), key: 'outbox01' });
});
after(async () => {
  await fake.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function channelInput(changes: Partial<TrafficChannelInput> = {}): TrafficChannelInput {
  return { name: 'Zeropark', templateKey: null, parameters: [], costModel: 'cpc', currency: 'USD', postbackUrl: null, postbackStatuses: ['approved'], postbackPayoutPercent: 100, postbackTypes: [], status: 'active', ...changes };
}

function campaignInput(trafficChannelId: number, changes: Partial<CampaignInput> = {}): CampaignInput {
  return {
    name: 'Outbox campaign',
    trafficChannelId,
    costModel: 'cpc',
    costValue: 0,
    redirectMode: '302',
    funnel: { rules: [], paths: [{ weight: 100, landers: [], offers: [] }] } as unknown as CampaignInput['funnel'],
    fallbackUrl: null,
    trackingDomain: null,
    timeZone: 'UTC',
    uniquenessWindowHours: 24,
    postbackValues: {},
    channelPostback: { enabled: true, statuses: null, types: null, payoutPercent: null },
    channelCampaignId: null,
    blockedPlacements: [],
    status: 'active',
    ...changes,
  };
}

/** Records a conversion and queues its channel postback, as the conversion core does. */
async function convert(changes: Parameters<typeof recordConversion>[1] extends infer T ? Partial<T> : never = {}, on: { campaign?: Campaign; channel?: TrafficChannel } = {}) {
  const useCampaign = on.campaign ?? campaign;
  const useChannel = on.channel ?? channel;
  const conversion = await recordConversion(store, { campaignId: useCampaign.id, trafficChannelId: useChannel.id, ...changes });
  const result = await queueChannelPostback(store, { conversion, campaign: useCampaign, channel: useChannel, conversionType: undefined, accountCurrency: 'USD' });
  return { conversion, result, entry: await entryOf(conversion.id) };
}

async function entryOf(conversionId: number): Promise<OutboxEntry | undefined> {
  return (await store.outbox.list({ conversionId, limit: 1, offset: 0 })).items[0];
}

/** Runs the outbox at a given clock until `id` settles or `runs` are used; returns each run's time. */
async function runAt(clock: number, options: Partial<Parameters<typeof sendDueOutbox>[0]> = {}) {
  return sendDueOutbox({ store, guard: allowingGuard, logger, now: () => clock, ...options });
}

describe('channel postback through the outbox', () => {
  test('a channel that fails twice with 500 then succeeds: retried with backoff, every attempt logged, state sent', async () => {
    const { entry, result, conversion } = await convert({ refId: 'zp-click-77', payout: 12_500_000 });
    assert.equal(result.outcome, 'queued');
    assert.equal(entry!.state, 'pending');
    fake.failNext(2, 500);

    const t0 = Date.now() + 1;
    const base = 1000;
    assert.deepEqual(await runAt(t0, { baseDelayMs: base }), { claimed: 1, sent: 0, retrying: 1, failed: 0 });
    let row = (await store.outbox.get(entry!.id))!;
    assert.equal(row.state, 'pending');
    assert.equal(row.nextAttemptAt, t0 + base, 'first retry after the base delay');
    assert.equal((await runAt(t0 + base - 1, { baseDelayMs: base })).claimed, 0, 'not due before its time');

    await runAt(t0 + base, { baseDelayMs: base });
    row = (await store.outbox.get(entry!.id))!;
    assert.equal(row.nextAttemptAt, t0 + base + 2 * base, 'second retry after twice the delay');

    assert.deepEqual(await runAt(t0 + 3 * base, { baseDelayMs: base }), { claimed: 1, sent: 1, retrying: 0, failed: 0 });
    row = (await store.outbox.get(entry!.id))!;
    assert.equal(row.state, 'sent');
    assert.equal(row.attempts, 3);
    assert.equal(row.lastError, null);
    assert.equal(row.nextAttemptAt, null);

    const attempts = (await store.outbox.attempts([row.id])).get(row.id)!;
    assert.deepEqual(attempts.map((a) => a.statusCode), [500, 500, 200]);
    assert.deepEqual(attempts.map((a) => a.error), ['HTTP 500: temporary failure', 'HTTP 500: temporary failure', null]);
    assert.deepEqual(attempts.map((a) => a.attemptedAt), [t0, t0 + base, t0 + 3 * base]);
    for (const attempt of attempts) assert.ok(Number.isInteger(attempt.latencyMs) && attempt.latencyMs >= 0 && attempt.latencyMs < 5000);

    assert.equal(fake.hits.length, 3);
    for (const hit of fake.hits) {
      assert.equal(hit.url, '/zppostback/abc?cid=zp-click-77&payout=12.5&status=approved');
      assert.match(String(hit.headers['user-agent']), /^Waypost\//);
    }
    assert.equal(row.conversionId, conversion.id);
    assert.equal(row.campaignId, campaign.id);
  });

  test('a channel that keeps failing: exponential backoff, then failed after the last of 8 attempts', async () => {
    const { entry } = await convert({ refId: 'always-503' });
    fake.alwaysAnswer(503);
    let clock = Date.now() + 1;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      const totals = await runAt(clock);
      assert.equal(totals.claimed, 1, `attempt ${attempt} claimed`);
      const row = (await store.outbox.get(entry!.id))!;
      if (attempt < 8) {
        assert.equal(row.state, 'pending');
        waits.push(row.nextAttemptAt! - clock);
        clock = row.nextAttemptAt!;
      } else {
        assert.equal(row.state, 'failed');
        assert.equal(row.nextAttemptAt, null);
        assert.equal(row.lastError, 'HTTP 503: temporary failure (gave up after 8 attempts)');
      }
    }
    assert.deepEqual(waits, [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000], '30 s doubling');
    assert.equal(retryDelayMs(12, 30_000, 3_600_000), 3_600_000, 'capped');
    assert.equal((await runAt(clock + 10 * 3_600_000)).claimed, 0, 'a failed row is never sent again by itself');
    assert.equal(fake.hits.length, 8);
    assert.equal((await store.outbox.attempts([entry!.id])).get(entry!.id)!.length, 8);
  });

  test('404 fails at once; 429, timeouts and refused connections are retried', async () => {
    const notFound = await convert({ refId: 'nf' });
    fake.alwaysAnswer(404);
    await runAt(Date.now() + 1);
    let row = (await store.outbox.get(notFound.entry!.id))!;
    assert.equal(row.state, 'failed');
    assert.equal(row.attempts, 1);
    assert.equal(row.lastError, 'HTTP 404: unknown postback endpoint');

    fake.reset();
    const limited = await convert({ refId: 'rl' });
    fake.failNext(1, 429);
    await runAt(Date.now() + 1);
    row = (await store.outbox.get(limited.entry!.id))!;
    assert.equal(row.state, 'pending');
    assert.match(row.lastError!, /^HTTP 429/);

    fake.reset();
    fake.hang();
    const slow = await convert({ refId: 'slow' });
    const clock = Date.now() + 1_000_000; // past the 429 row's retry too
    await runAt(clock, { timeoutMs: 200 });
    const slowRow = (await store.outbox.get(slow.entry!.id))!;
    assert.equal(slowRow.state, 'pending');
    assert.match(slowRow.lastError!, /timed out/);
    const slowAttempt = (await store.outbox.attempts([slowRow.id])).get(slowRow.id)![0]!;
    assert.equal(slowAttempt.statusCode, null);
    assert.ok(slowAttempt.latencyMs >= 190, `latency ${slowAttempt.latencyMs}`);

    const closed = await startFakeTrafficChannel();
    const closedUrl = closed.url;
    await closed.close();
    const gone = await store.trafficChannels.create(channelInput({ name: 'Gone', postbackUrl: `${closedUrl}/pb?cid={ref_id}` }));
    const goneCampaign = await store.campaigns.create({ ...campaignInput(gone.id), key: 'outbox02' });
    const refused = await convert({ refId: 'x' }, { campaign: goneCampaign, channel: gone });
    await runAt(Date.now() + 1);
    const refusedRow = (await store.outbox.get(refused.entry!.id))!;
    assert.equal(refusedRow.state, 'pending');
    assert.match(refusedRow.lastError!, /ECONNREFUSED/);
  });

  test('SSRF: without the allow list a loopback channel URL is refused, logged as a failed attempt with the reason', async () => {
    const { entry } = await convert({ refId: 'ssrf' });
    await sendDueOutbox({ store, guard: createOutboundUrlGuard({ allowHosts: [] }), logger, now: () => Date.now() + 1 });
    const row = (await store.outbox.get(entry!.id))!;
    assert.equal(row.state, 'failed', 'not retried: the address will not become public by waiting');
    assert.match(row.lastError!, /^refused: 127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\); list the host in WAYPOST_OUTBOUND_ALLOW_HOSTS/);
    const [attempt] = (await store.outbox.attempts([row.id])).get(row.id)!;
    assert.equal(attempt!.statusCode, null);
    assert.equal(attempt!.error, row.lastError);
    assert.equal(fake.hits.length, 0, 'nothing reached the address');

    const metadata = await store.trafficChannels.create(channelInput({ name: 'Metadata', postbackUrl: 'http://169.254.169.254/latest/meta-data/iam?cid={ref_id}' }));
    const metadataCampaign = await store.campaigns.create({ ...campaignInput(metadata.id), key: 'outbox03' });
    const meta = await convert({ refId: 'm' }, { campaign: metadataCampaign, channel: metadata });
    await runAt(Date.now() + 1); // even with 127.0.0.1 allowed
    const metaRow = (await store.outbox.get(meta.entry!.id))!;
    assert.equal(metaRow.state, 'failed');
    assert.match(metaRow.lastError!, /cloud metadata/);
  });

  test('REPLACE left in the template: stored as blocked with its reason, never sent', async () => {
    const replaceChannel = await store.trafficChannels.create(channelInput({ name: 'PropellerAds', postbackUrl: `${fake.url}/conversion.php?aid=REPLACE&visitor_id={ref_id}&payout={payout}` }));
    const replaceCampaign = await store.campaigns.create({ ...campaignInput(replaceChannel.id), key: 'outbox04' });
    const { result, entry } = await convert({ refId: 'r1' }, { campaign: replaceCampaign, channel: replaceChannel });
    assert.deepEqual(result, { outcome: 'blocked', reason: "aid is REPLACE in the traffic channel's postback URL: set aid in the campaign's postback values" });
    assert.equal(entry!.state, 'blocked');
    assert.equal(entry!.lastError, result.reason);
    assert.equal(entry!.nextAttemptAt, null);
    await runAt(Date.now() + 3_600_000);
    assert.equal((await store.outbox.get(entry!.id))!.state, 'blocked');
    assert.equal(fake.hits.filter((hit) => hit.url.startsWith('/conversion.php')).length, 0);

    const noRef = await convert({ refId: '' });
    assert.equal(noRef.result.outcome, 'blocked');
    assert.match(noRef.result.reason, /the click has no ref_id/);
  });

  test('filters and payout percent decide what is queued: per channel, overridden per campaign', async () => {
    const pending = await convert({ status: 'pending', refId: 'p1' });
    assert.deepEqual(pending.result, { outcome: 'not_sent', reason: 'status pending is not among the statuses sent to the channel (approved)' });
    assert.equal(pending.entry, undefined, 'nothing stored for a postback the settings do not send');

    const typed = await store.trafficChannels.create(channelInput({ name: 'Typed', postbackUrl: `${fake.url}/pb?cid={ref_id}&payout={payout}&t={type}`, postbackTypes: ['Sale'], postbackPayoutPercent: 50, postbackStatuses: ['approved', 'pending'] }));
    const plainCampaign = await store.campaigns.create({ ...campaignInput(typed.id), key: 'outbox05' });
    const overrideCampaign = await store.campaigns.create({
      ...campaignInput(typed.id, { channelPostback: { enabled: true, statuses: ['approved'], types: ['Lead', null], payoutPercent: 80 } }),
      key: 'outbox06',
    });
    const on = (c: Campaign) => ({ campaign: c, channel: typed });

    assert.equal((await convert({ type: 'Lead' }, on(plainCampaign))).result.outcome, 'not_sent');
    const sale = await convert({ type: 'Sale', status: 'pending', payout: 10_000_000 }, on(plainCampaign));
    assert.equal(sale.result.outcome, 'queued');
    assert.match(sale.entry!.url, /payout=5&t=Sale$/, "the channel's 50 %");

    assert.equal((await convert({ type: 'Sale' }, on(overrideCampaign))).result.outcome, 'not_sent', "the campaign's types replace the channel's");
    assert.equal((await convert({ type: 'Lead', status: 'pending' }, on(overrideCampaign))).result.outcome, 'not_sent', "the campaign's statuses replace the channel's");
    const lead = await convert({ type: 'Lead', payout: 10_000_000 }, on(overrideCampaign));
    assert.match(lead.entry!.url, /payout=8&t=Lead$/, "the campaign's 80 %");
    const plain = await convert({ type: null, payout: 1_000_000 }, on(overrideCampaign));
    assert.match(plain.entry!.url, /payout=0\.8&t=$/);

    const off = await store.campaigns.create({ ...campaignInput(typed.id, { channelPostback: { enabled: false, statuses: null, types: null, payoutPercent: null } }), key: 'outbox07' });
    assert.equal((await convert({ type: 'Sale' }, on(off))).result.reason, 'channel postbacks are turned off for this campaign');
  });

  test('an edited conversion that changes nothing the channel sees is not queued twice', async () => {
    const { conversion, entry } = await convert({ refId: 'dup', status: 'approved' });
    const again = await queueChannelPostback(store, { conversion, campaign, channel, conversionType: undefined, accountCurrency: 'USD' });
    assert.equal(again.outcome, 'not_sent');
    assert.match(again.reason, new RegExp(`already queued for this conversion with the same values \\(outgoing postback ${entry!.id}\\)`));
    const changed = await queueChannelPostback(store, { conversion: { ...conversion, payout: 20_000_000 }, campaign, channel, conversionType: undefined, accountCurrency: 'USD' });
    assert.equal(changed.outcome, 'queued', 'a new payout is news for the channel');
  });

  test('a row is sent by one worker only: claims are exclusive, and an expired claim goes to the next worker', async () => {
    // Settle what earlier tests left due.
    await runAt(Date.now() + 100 * 3_600_000);
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await convert({ refId: `c${i}` })).entry!.id);
    const now = Date.now() + 1;
    const [a, b] = await Promise.all([store.outbox.claimDue(now, 8, 60_000), store.outbox.claimDue(now, 8, 60_000)]);
    const claimed = [...a, ...b].map((row) => row.id);
    assert.equal(new Set(claimed).size, claimed.length, 'no row in both claims');
    assert.deepEqual(claimed.sort((x, y) => x - y), ids);
    assert.equal((await store.outbox.claimDue(now + 59_999, 50, 60_000)).length, 0, 'in flight until the lease ends');
    assert.ok((await store.outbox.get(ids[0]!))!.inFlight);

    const retaken = await store.outbox.claimDue(now + 60_000, 50, 60_000);
    assert.equal(retaken.length, 12, 'a crashed worker’s rows come due again');
    const stale = a[0]!;
    const kept = await store.outbox.recordAttempt(stale, { attemptedAt: now, statusCode: 200, latencyMs: 5, error: null }, { state: 'sent', nextAttemptAt: null, lastError: null });
    assert.equal(kept, false, 'the first worker lost its claim: its late result does not settle the row');
    assert.equal((await store.outbox.get(stale.id))!.state, 'pending');

    fake.reset();
    await Promise.all([runAt(now + 200_000), runAt(now + 200_000)]);
    assert.equal(fake.hits.length, 12, 'two concurrent runs sent each row once');
  });

  test('the worker sends queued postbacks on its one-second schedule with the allow list from the configuration', async () => {
    const { entry } = await convert({ refId: 'scheduled' });
    const worker = startWorker({ store, logger, config });
    try {
      const deadline = Date.now() + 5000;
      let row = await store.outbox.get(entry!.id);
      while (row?.state !== 'sent' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        row = await store.outbox.get(entry!.id);
      }
      assert.equal(row?.state, 'sent');
      assert.ok(fake.hits.some((hit) => hit.query.cid === 'scheduled'));
    } finally {
      worker.stop();
    }
  });
});
