import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startFakeTonicAdvertiserServer, tonicCampaign, type FakeTonicAdvertiserServer } from '../fakes/tonic-advertiser-server.js';

const FALLBACK = 'https://fallback.example/';

describe("campaign actions over the admin API: Waypost's own pause and placement block, and through Tonic's API", () => {
  let server: TestServer;
  let tonic: FakeTonicAdvertiserServer;
  let channelId: number;
  let offerId: number;

  const newCampaign = async (changes: Record<string, unknown> = {}) =>
    createVia(server, 'campaigns', {
      name: `Campaign ${Math.random()}`,
      trafficChannelId: channelId,
      fallbackUrl: FALLBACK,
      funnel: { paths: [{ offers: [{ offerId }] }] },
      ...changes,
    });

  /** A visit to the campaign as Tonic sends it; answers where it went and the click as recorded. */
  const visit = async (key: string, sourceId: string) => {
    await server.edge.snapshots.refresh();
    const response = await fetch(`${server.url}/c/${key}?ref_id=tc-${Math.random()}&sub2=${encodeURIComponent(sourceId)}`, { redirect: 'manual' });
    const location = response.headers.get('location') ?? '';
    await response.text();
    const clicks = await server.api('GET', `/api/v1/clicks?sub2=${encodeURIComponent(sourceId)}&limit=1`);
    return { location, click: clicks.body.items[0] };
  };

  before(async () => {
    tonic = await startFakeTonicAdvertiserServer();
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    channelId = (await createVia(server, 'traffic-channels', { fromTemplate: 'tonic' })).id;
    const source = await createVia(server, 'offer-sources', { name: 'Store' });
    offerId = (await createVia(server, 'offers', { name: 'Watch', offerSourceId: source.id, url: 'https://store.example/watch?cid={clickid}' })).id;
  });
  after(async () => {
    await server.close();
    await tonic.close();
  });
  beforeEach(() => {
    tonic.reset();
    tonic.campaigns = [tonicCampaign('501'), tonicCampaign('502')];
  });

  it("without an API integration: blocking a placement is Waypost's own, listed on the campaign, and the next click from it goes to the fallback as blocked", async () => {
    const campaign = await newCampaign();
    const blocked = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/block`, { dimension: 'sub2', value: 'src-7' });
    assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
    assert.deepEqual(blocked.body, {
      waypost: 'done',
      channel: { state: 'not_integrated' },
      campaign: { id: campaign.id, status: 'active', channelCampaignId: null, blockedPlacements: [{ dimension: 'sub2', value: 'src-7' }] },
    });
    assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.blockedPlacements, [{ dimension: 'sub2', value: 'src-7' }]);
    assert.equal((await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/block`, { dimension: 'sub2', value: 'src-7' })).body.waypost, 'unchanged');

    const fromBlocked = await visit(campaign.key, 'src-7');
    assert.equal(fromBlocked.location, FALLBACK);
    assert.equal(fromBlocked.click.outcome, 'blocked');
    assert.equal(fromBlocked.click.offerId, null);
    const fromOther = await visit(campaign.key, 'src-8');
    assert.match(fromOther.location, /^https:\/\/store\.example\/watch\?cid=/);
    assert.equal(fromOther.click.outcome, 'routed');
    assert.equal((await server.api('GET', `/api/v1/clicks?campaignId=${campaign.id}&outcome=blocked`)).body.items.length, 1, 'the click log filters by the blocked outcome');

    const unblocked = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/unblock`, { dimension: 'sub2', value: 'src-7' });
    assert.equal(unblocked.body.waypost, 'done');
    assert.deepEqual(unblocked.body.campaign.blockedPlacements, []);
    assert.equal((await visit(campaign.key, 'src-7')).click.outcome, 'routed');
  });

  it('pausing sends the clicks to the fallback URL until resumed', async () => {
    const campaign = await newCampaign();
    const paused = await server.api('POST', `/api/v1/campaigns/${campaign.id}/pause`);
    assert.deepEqual([paused.body.waypost, paused.body.channel, paused.body.campaign.status], ['done', { state: 'not_integrated' }, 'paused']);
    assert.equal((await server.api('POST', `/api/v1/campaigns/${campaign.id}/pause`)).body.waypost, 'unchanged');
    const whilePaused = await visit(campaign.key, 'src-p1');
    assert.deepEqual([whilePaused.location, whilePaused.click.outcome], [FALLBACK, 'fallback']);
    assert.equal((await server.api('POST', `/api/v1/campaigns/${campaign.id}/resume`)).body.campaign.status, 'active');
    assert.equal((await visit(campaign.key, 'src-p2')).click.outcome, 'routed');
  });

  it('bad inputs answer 400 naming the field; an unknown campaign 404', async () => {
    const campaign = await newCampaign();
    const cases: [unknown, string][] = [
      [{ dimension: 'sub21', value: 'x' }, 'dimension'],
      [{ dimension: 'zone', value: 'x' }, 'dimension'],
      [{ dimension: 'sub2', value: '' }, 'value'],
      [{ dimension: 'sub2' }, 'value'],
      [{ dimension: 'sub2', value: 'x', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/block`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error.field, field, JSON.stringify(response.body));
    }
    assert.equal((await server.api('POST', '/api/v1/campaigns/99999/pause')).status, 404);
    const duplicate = await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { blockedPlacements: [{ dimension: 'sub2', value: 'a' }, { dimension: 'sub2', value: 'a' }] });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.error.field, 'blockedPlacements[1].value');
  });

  describe('with a Tonic API integration on the channel', () => {
    let integrationId: number;

    before(async () => {
      const bad = await createVia(server, 'integrations', {
        partner: 'tonic',
        name: 'Tonic account',
        trafficChannelId: channelId,
        settings: { email: tonic.email, baseUrl: tonic.url, timeZone: 'America/New_York' },
        credentials: { password: 'wrong' },
      });
      integrationId = bad.id;
      assert.equal(bad.kind, 'traffic_channel');
      assert.equal(bad.trafficChannelId, channelId);
      assert.deepEqual(bad.credentials, { password: '••••' });
    });

    it('the channel shows the API as not tested, then the bad login with Tonic\'s message, then active once a test succeeds', async () => {
      const untested = (await server.api('GET', `/api/v1/traffic-channels/${channelId}`)).body.api;
      assert.deepEqual(untested, {
        integrationId,
        partner: 'tonic',
        state: 'not_tested',
        capabilities: ['listCampaigns', 'pauseCampaign', 'resumeCampaign', 'blockPlacement', 'unblockPlacement', 'fetchSpend'],
      });

      const failed = await server.api('POST', `/api/v1/integrations/${integrationId}/test-connection`);
      assert.equal(failed.status, 200);
      assert.deepEqual([failed.body.ok, failed.body.message, failed.body.retryable], [false, 'Username or Password not correct!', false]);
      assert.equal((await server.api('GET', `/api/v1/traffic-channels/${channelId}`)).body.api.state, 'error');

      assert.equal((await server.api('PATCH', `/api/v1/integrations/${integrationId}`, { credentials: { password: tonic.password } })).status, 200);
      const passed = await server.api('POST', `/api/v1/integrations/${integrationId}/test-connection`);
      assert.equal(passed.body.ok, true, passed.body.message);
      assert.match(passed.body.message, /2 campaigns visible/);
      assert.equal((await server.api('GET', `/api/v1/traffic-channels/${channelId}`)).body.api.state, 'active');

      const second = await server.api('POST', '/api/v1/integrations', {
        partner: 'tonic',
        name: 'Another',
        trafficChannelId: channelId,
        settings: { email: tonic.email },
        credentials: { password: 'x' },
      });
      assert.equal(second.status, 409);
      assert.equal(second.body.error.field, 'trafficChannelId');
      const noChannel = await server.api('POST', '/api/v1/integrations', { partner: 'tonic', name: 'No channel', settings: { email: tonic.email }, credentials: { password: 'x' } });
      assert.equal(noChannel.status, 400);
      assert.equal(noChannel.body.error.field, 'trafficChannelId');
    });

    it("lists Tonic's campaigns to link to, with the Waypost campaigns already linked", async () => {
      const linked = await newCampaign({ channelCampaignId: '502' });
      const listed = await server.api('GET', `/api/v1/traffic-channels/${channelId}/channel-campaigns`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(
        listed.body.items.map((item: { id: string; linkedCampaignIds: number[] }) => [item.id, item.linkedCampaignIds]),
        [
          ['501', []],
          ['502', [linked.id]],
        ],
      );
    });

    it("blocking a placement goes through Tonic (source id added to source_ids, whitelisting false) and through Waypost's own block", async () => {
      const campaign = await newCampaign({ channelCampaignId: '501' });
      const blocked = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/block`, { dimension: 'sub2', value: 'src-42' });
      assert.equal(blocked.body.waypost, 'done');
      assert.equal(blocked.body.channel.state, 'succeeded', JSON.stringify(blocked.body.channel));
      assert.equal(blocked.body.channel.attempts, 1);
      assert.match(blocked.body.channel.response, /source src-42 added to the blacklist of Tonic campaign 501/);
      assert.deepEqual(tonic.campaigns[0]!.source_ids, ['src-42']);
      assert.equal(tonic.campaigns[0]!.whitelisting, false);
      const edit = tonic.requests.find((request) => request.method === 'PUT')!;
      assert.deepEqual(edit.body, { source_ids: ['src-42'], whitelisting: false });

      const next = await visit(campaign.key, 'src-42');
      assert.deepEqual([next.location, next.click.outcome], [FALLBACK, 'blocked'], 'clicks Tonic still sends are kept from the offer');

      const unblocked = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/unblock`, { dimension: 'sub2', value: 'src-42' });
      assert.deepEqual([unblocked.body.waypost, unblocked.body.channel.state], ['done', 'succeeded']);
      assert.deepEqual(tonic.campaigns[0]!.source_ids, []);
    });

    it('pausing goes through Tonic (status paused); a campaign not linked to a Tonic campaign is paused in Waypost only', async () => {
      const campaign = await newCampaign({ channelCampaignId: '501' });
      const paused = await server.api('POST', `/api/v1/campaigns/${campaign.id}/pause`);
      assert.deepEqual([paused.body.waypost, paused.body.channel.state], ['done', 'succeeded']);
      assert.equal(tonic.campaigns[0]!.status, 'paused');
      const resumed = await server.api('POST', `/api/v1/campaigns/${campaign.id}/resume`);
      assert.deepEqual([resumed.body.waypost, resumed.body.channel.state], ['done', 'succeeded']);
      assert.equal(tonic.campaigns[0]!.status, 'active');

      const unlinked = await newCampaign();
      const alone = await server.api('POST', `/api/v1/campaigns/${unlinked.id}/pause`);
      assert.deepEqual([alone.body.waypost, alone.body.channel], ['done', { state: 'not_linked' }]);
    });

    it("a placement of another dimension than Tonic's source ids is Waypost's block only, and the answer says why", async () => {
      const campaign = await newCampaign({ channelCampaignId: '501' });
      const blocked = await server.api('POST', `/api/v1/campaigns/${campaign.id}/placements/block`, { dimension: 'sub3', value: 'broad' });
      assert.equal(blocked.body.waypost, 'done');
      assert.equal(blocked.body.channel.state, 'unsupported');
      assert.equal(blocked.body.channel.capability, 'blockPlacement');
      assert.match(blocked.body.channel.message, /carried by sub2 .* not sub3/);
      assert.equal(tonic.requests.filter((request) => request.method === 'PUT').length, 0);
    });

    it("a Tonic failure on every attempt is reported failed with Tonic's message, and the channel shows the error", async () => {
      const campaign = await newCampaign({ channelCampaignId: '999' });
      const paused = await server.api('POST', `/api/v1/campaigns/${campaign.id}/pause`);
      assert.equal(paused.body.waypost, 'done', "Waypost's own pause stands");
      assert.deepEqual(paused.body.channel, { state: 'failed', attempts: 1, error: 'Campaign not found' }, 'a 404 is not worth a second attempt');
      assert.equal((await server.api('GET', `/api/v1/traffic-channels/${channelId}`)).body.api.state, 'error');
      const integration = (await server.api('GET', `/api/v1/integrations/${integrationId}`)).body;
      assert.match(integration.lastError.message, /pauseCampaign on campaign 999: Campaign not found/);
    });
  });
});
