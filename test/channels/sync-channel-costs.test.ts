import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syncChannelCosts, syncIntegrationCosts, type CostSyncDeps } from '../../src/channels/sync-channel-costs.js';
import { localDate } from '../../src/integrations/partner-wall-clock.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startFakeTonicAdvertiserServer, tonicCampaign, type FakeTonicAdvertiserServer } from '../fakes/tonic-advertiser-server.js';

describe("cost sync from Tonic's statistics, in the channel's time zone (America/New_York)", () => {
  let server: TestServer;
  let tonic: FakeTonicAdvertiserServer;
  let clock = Date.parse('2026-11-20T04:30:00Z');
  let integrationId: number;
  let channelId: number;
  type Linked = { id: number; key: string };
  const campaigns = {} as Record<'single' | 'shareA' | 'shareB', Linked>;
  const syncDeps = (): CostSyncDeps => ({
    store: server.store,
    events: server.events,
    cipher: server.cipher,
    guard: createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] }),
    now: () => clock,
    http: { attempts: 2, baseDelayMs: 0 },
  });

  const clickAt = async (key: string, instant: string) => {
    clock = Date.parse(instant);
    await server.edge.snapshots.refresh();
    const response = await fetch(`${server.url}/c/${key}?ref_id=t${Math.random()}&sub2=src-1&cost=0.01`, { redirect: 'manual' });
    await response.text();
    assert.equal(response.status, 302);
  };
  /** Each click's cost (as the click log shows it) by its time. */
  const costs = async (campaignId: number) => {
    const { body } = await server.api('GET', `/api/v1/clicks?campaignId=${campaignId}&limit=100`);
    return Object.fromEntries(body.items.map((click: { createdAt: string; cost: number }) => [click.createdAt, click.cost]));
  };

  before(async () => {
    tonic = await startFakeTonicAdvertiserServer({ campaigns: [tonicCampaign('501'), tonicCampaign('502'), tonicCampaign('503')] });
    server = await startTestServer({ detector: 'null', now: () => clock, env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    const channel = await createVia(server, 'traffic-channels', { fromTemplate: 'tonic' });
    channelId = channel.id;
    const source = await createVia(server, 'offer-sources', { name: 'Store' });
    const offer = await createVia(server, 'offers', { name: 'Watch', offerSourceId: source.id, url: 'https://store.example/?cid={clickid}' });
    const campaign = (name: string, channelCampaignId: string) =>
      createVia(server, 'campaigns', { name, trafficChannelId: channel.id, channelCampaignId, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } });
    campaigns.single = await campaign('Single', '501');
    campaigns.shareA = await campaign('Share A', '502');
    campaigns.shareB = await campaign('Share B', '502');
    integrationId = (
      await createVia(server, 'integrations', {
        partner: 'tonic',
        name: 'Tonic',
        trafficChannelId: channel.id,
        settings: { email: tonic.email, baseUrl: tonic.url, timeZone: 'America/New_York', costSyncDays: 3 },
        credentials: { password: tonic.password },
      })
    ).id;

    // 04:30 UTC on the 20th is 23:30 on the 19th in New York (UTC-5); 05:30 UTC is 00:30 on the 20th.
    await clickAt(campaigns.single.key, '2026-11-20T04:30:00Z');
    await clickAt(campaigns.single.key, '2026-11-20T05:30:00Z');
    await clickAt(campaigns.shareA.key, '2026-11-20T15:00:00Z');
    await clickAt(campaigns.shareB.key, '2026-11-20T16:00:00Z');
    await clickAt(campaigns.shareB.key, '2026-11-20T17:00:00Z');
    await clickAt(campaigns.shareB.key, '2026-11-20T18:00:00Z');

    tonic.statistics = [
      { date: '2026-11-19', campaign_id: '501', clicks: '1', cost: '10.00' },
      { date: '2026-11-20', campaign_id: '501', clicks: '1', cost: '4.0000' },
      { date: '2026-11-20', campaign_id: '502', clicks: '4', cost: '1.00' },
      { date: '2026-11-20', campaign_id: '503', clicks: '7', cost: '2.10' },
      { date: '2026-11-21', campaign_id: '501', clicks: '0', cost: '0.00' },
      { date: '2026-11-17', campaign_id: '501', clicks: '9', cost: '99.00' },
    ];
    clock = Date.parse('2026-11-21T12:00:00Z');
  });
  after(async () => {
    await server.close();
    await tonic.close();
  });

  it("writes each New York day's spend over that day's clicks, splits a shared channel campaign by clicks, and logs the run", async () => {
    const run = await syncIntegrationCosts(syncDeps(), integrationId, 'manual');
    assert.equal(run.kind, 'cost_sync');
    assert.equal(run.state, 'succeeded', JSON.stringify(run.errors));
    assert.deepEqual(tonic.requests.find((request) => request.path === '/campaigns/statistics')!.query, { from: '2026-11-19', to: '2026-11-21' }, 'the last three New York days');

    assert.deepEqual(await costs(campaigns.single.id), { '2026-11-20T05:30:00.000Z': 4, '2026-11-20T04:30:00.000Z': 10 }, 'the 19th ends at 05:00 UTC');
    assert.deepEqual(await costs(campaigns.shareA.id), { '2026-11-20T15:00:00.000Z': 0.25 }, 'one click of four');
    const shareB = await costs(campaigns.shareB.id);
    assert.deepEqual(Object.values(shareB), [0.25, 0.25, 0.25], 'three clicks of four');

    assert.equal(run.costsSynced, 4, 'single on the 19th and 20th, share A and share B on the 20th');
    assert.deepEqual(run.skips, [
      { externalId: '503', reason: `spend of 2026-11-20 not written: no campaign of traffic channel ${channelId} is linked to channel campaign 503` },
      { externalId: '501', reason: `spend of 2026-11-21 not written: campaign ${campaigns.single.id} had no clicks that day in America/New_York` },
    ]);
    const log = await server.api('GET', `/api/v1/integrations/${integrationId}/runs`);
    assert.deepEqual(log.body.items.map((item: { id: number; kind: string; costsSynced: number }) => [item.id, item.kind, item.costsSynced]), [[run.id, 'cost_sync', 4]]);
  });

  it("the scheduled sync runs every channel integration; a failing statistics call is a failed run with Tonic's message", async () => {
    tonic.failNext(10, { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Statistics are being recalculated' } });
    const runs = await syncChannelCosts(syncDeps());
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.state, 'failed');
    assert.deepEqual(runs[0]!.errors, ['Statistics are being recalculated']);
    assert.equal(tonic.requests.filter((request) => request.path === '/campaigns/statistics' && request.status === 500).length, 2, 'retried once, as configured');
    const integration = (await server.api('GET', `/api/v1/integrations/${integrationId}`)).body;
    assert.equal(integration.status, 'error');
    assert.equal(await costs(campaigns.single.id).then((c) => c['2026-11-20T04:30:00.000Z']), 10, 'costs written before stay');
  });

  it('POST /integrations/{id}/sync-costs runs it now over the days of the real clock, and answers the run', async () => {
    tonic.reset();
    const response = await server.api('POST', `/api/v1/integrations/${integrationId}/sync-costs`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual([response.body.kind, response.body.trigger, response.body.state], ['cost_sync', 'manual', 'succeeded']);
    const today = localDate(Date.now(), 'America/New_York');
    assert.equal(tonic.requests.find((request) => request.path === '/campaigns/statistics')!.query.to, today);
    assert.equal((await server.api('POST', '/api/v1/integrations/99999/sync-costs')).status, 404);
  });
});
