import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChannelActions } from '../../src/channels/campaign-channel-actions.js';
import type { ChannelConnector } from '../../src/integrations/channel-connector.js';
import { createIntegration } from '../../src/integrations/manage-integrations.js';
import { CHANNEL_PARTNERS, channelPartnerDefinition, type ChannelPartnerDefinition } from '../../src/integrations/partner-registry.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startFakeTonicAdvertiserServer, tonicCampaign, type FakeTonicAdvertiserServer } from '../fakes/tonic-advertiser-server.js';

const guard = createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] });
const context = { actor: 'rule:7', reason: 'test' };

describe('ChannelActions: Waypost first, then the channel, retried, never silent', () => {
  let server: TestServer;
  let tonic: FakeTonicAdvertiserServer;
  let offerIds: number[];
  const waits: number[] = [];
  let actions: ReturnType<typeof createChannelActions>;

  /** A traffic channel with a Tonic integration of the given partner key, and a campaign on it linked to Tonic campaign 501. */
  const setUp = async (partner = 'tonic') => {
    const channel = await createVia(server, 'traffic-channels', { fromTemplate: 'tonic', name: `Tonic ${Math.random()}` });
    const integration = await createIntegration(
      { store: server.store, cipher: server.cipher, guard },
      { partner, kind: 'traffic_channel', name: 'Tonic', trafficChannelId: channel.id, settings: { email: tonic.email, baseUrl: tonic.url }, credentials: { password: tonic.password }, status: 'active' },
    );
    const campaign = await createVia(server, 'campaigns', {
      name: `Campaign ${Math.random()}`,
      trafficChannelId: channel.id,
      channelCampaignId: '501',
      funnel: {
        rules: [{ name: 'US', conditions: [{ field: 'country', op: 'in', values: ['US'] }], paths: [{ offers: [{ offerId: offerIds[0], weight: 10 }, { offerId: offerIds[1], weight: 90 }] }] }],
        paths: [{ offers: [{ offerId: offerIds[0], weight: 50 }] }, { offers: [{ offerId: offerIds[1] }] }],
      },
    });
    return { channel, integration, campaign };
  };

  before(async () => {
    tonic = await startFakeTonicAdvertiserServer();
    server = await startTestServer({ detector: 'null' });
    const source = await createVia(server, 'offer-sources', { name: 'Store' });
    offerIds = [
      (await createVia(server, 'offers', { name: 'A', offerSourceId: source.id, url: 'https://a.example/?cid={clickid}' })).id,
      (await createVia(server, 'offers', { name: 'B', offerSourceId: source.id, url: 'https://b.example/?cid={clickid}' })).id,
    ];
    actions = createChannelActions({
      store: server.store,
      cipher: server.cipher,
      guard,
      retryDelaysMs: [1000, 4000],
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });
  after(async () => {
    await server.close();
    await tonic.close();
  });
  beforeEach(() => {
    tonic.reset();
    waits.length = 0;
    tonic.campaigns = [tonicCampaign('501')];
  });

  it('a channel error is retried with back-off and the third attempt succeeds', async () => {
    const { campaign } = await setUp();
    tonic.failNext(2, { status: 502, body: { error: 'BAD_GATEWAY', message: 'Upstream unavailable' } });
    const report = await actions.pauseCampaign(campaign.id, context);
    assert.equal(report.waypost, 'done');
    assert.equal(report.channel.state, 'succeeded');
    assert.equal(report.channel.state === 'succeeded' && report.channel.attempts, 3);
    assert.deepEqual(waits, [1000, 4000]);
    assert.equal(tonic.campaigns[0]!.status, 'paused');
  });

  it("every attempt failing is reported failed with the channel's message after three attempts; Waypost's action still done; the integration shows the error", async () => {
    const { campaign, integration } = await setUp();
    tonic.failNext(3, { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Database is down' } });
    const report = await actions.blockPlacement(campaign.id, { dimension: 'sub2', value: 'src-1' }, context);
    assert.deepEqual(report, { waypost: 'done', channel: { state: 'failed', attempts: 3, error: 'Database is down' } });
    assert.deepEqual(waits, [1000, 4000]);
    assert.deepEqual((await server.store.campaigns.get(campaign.id))!.blockedPlacements, [{ dimension: 'sub2', value: 'src-1' }]);
    const stored = (await server.store.integrations.get(integration.id))!;
    assert.equal(stored.status, 'error');
    assert.match(stored.lastError!.message, /blockPlacement on campaign 501: Database is down/);

    // The next success ends the error.
    assert.equal((await actions.blockPlacement(campaign.id, { dimension: 'sub2', value: 'src-1' }, context)).channel.state, 'succeeded');
    assert.equal((await server.store.integrations.get(integration.id))!.status, 'active');
  });

  it("a capability the channel's API lacks is reported unsupported, with Waypost's own action done", async () => {
    const tonicPartner = channelPartnerDefinition('tonic')!;
    // A channel whose API can pause campaigns but has no placement lists.
    const pauseOnly: ChannelPartnerDefinition = {
      ...tonicPartner,
      key: 'tonic-pause-only',
      capabilities: ['pauseCampaign'],
      connect: (settings, options) => {
        const full = tonicPartner.connect(settings, options);
        const connector: ChannelConnector = { partner: 'tonic-pause-only', capabilities: ['pauseCampaign'], testConnection: () => full.testConnection(), pauseCampaign: full.pauseCampaign! };
        return connector;
      },
    };
    const registry = CHANNEL_PARTNERS as Record<string, ChannelPartnerDefinition>;
    registry[pauseOnly.key] = pauseOnly;
    try {
      const { campaign } = await setUp(pauseOnly.key);
      const blocked = await actions.blockPlacement(campaign.id, { dimension: 'sub2', value: 'src-9' }, context);
      assert.equal(blocked.waypost, 'done');
      assert.equal(blocked.channel.state, 'unsupported');
      assert.equal(blocked.channel.state === 'unsupported' && blocked.channel.capability, 'blockPlacement');
      assert.deepEqual((await server.store.campaigns.get(campaign.id))!.blockedPlacements, [{ dimension: 'sub2', value: 'src-9' }]);
      assert.equal(tonic.requests.length, 0, 'Tonic was not called');
      const resumed = await actions.resumeCampaign(campaign.id, context);
      assert.deepEqual([resumed.waypost, resumed.channel.state], ['unchanged', 'unsupported']);
      assert.equal((await actions.pauseCampaign(campaign.id, context)).channel.state, 'succeeded', 'what it can do goes through');
    } finally {
      delete registry[pauseOnly.key];
    }
  });

  it('a disabled integration is as none: Waypost acts alone', async () => {
    const { campaign, integration } = await setUp();
    await server.store.integrations.update(integration.id, { status: 'disabled' }, Date.now());
    assert.deepEqual(await actions.pauseCampaign(campaign.id, context), { waypost: 'done', channel: { state: 'not_integrated' } });
    assert.equal(tonic.requests.length, 0);
  });

  it('blocks made at once on one campaign are all kept', async () => {
    const { campaign } = await setUp();
    const values = Array.from({ length: 8 }, (_, i) => `src-${i}`);
    await Promise.all(values.map((value) => actions.waypost.blockPlacement(campaign.id, { dimension: 'sub5', value })));
    const blocked = (await server.store.campaigns.get(campaign.id))!.blockedPlacements.map((placement) => placement.value).sort();
    assert.deepEqual(blocked, values);
  });

  it("setting an offer's weight changes it in every path that holds the offer, Waypost only", async () => {
    const { campaign } = await setUp();
    const report = await actions.setOfferWeight(campaign.id, offerIds[1]!, 0, context);
    assert.equal(report.waypost, 'done');
    assert.equal(report.channel.state, 'unsupported');
    const { funnel } = (await server.store.campaigns.get(campaign.id))!;
    assert.deepEqual(funnel.rules[0]!.paths[0]!.offers, [{ offerId: offerIds[0], weight: 10 }, { offerId: offerIds[1], weight: 0 }]);
    assert.deepEqual(funnel.paths.map((path) => path.offers), [[{ offerId: offerIds[0], weight: 50 }], [{ offerId: offerIds[1], weight: 0 }]]);
    assert.equal((await actions.setOfferWeight(campaign.id, offerIds[1]!, 0, context)).waypost, 'unchanged');
    await assert.rejects(actions.setOfferWeight(campaign.id, 99_999, 5, context), { field: 'offerId' });
    await assert.rejects(actions.setOfferWeight(campaign.id, offerIds[0]!, 10_001, context), { field: 'weight' });
    await assert.rejects(actions.blockPlacement(campaign.id, { dimension: 'sub2', value: '' }, context), { field: 'value' });
    await assert.rejects(actions.pauseCampaign(99_999, context), { code: 'not_found' });
  });
});
