import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mintClickId } from '../../src/domain/click-id.js';
import { localDateTime } from '../../src/integrations/partner-wall-clock.js';
import { startFakeTuneServer, type FakeTuneConversion, type FakeTuneServer } from '../fakes/tune-server.js';
import { makeClick } from '../support/click-fixture.js';
import { createVia } from '../support/fixtures.js';
import { createTuneIntegration } from '../support/tune-integration.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A TUNE report row as the network sends it: every value a string, `Stat.ad_id` TUNE's own transaction id unless given. */
function tuneConversion(id: string, fields: FakeTuneConversion = {}): FakeTuneConversion {
  return {
    'Stat.id': id,
    'Stat.tune_event_id': id,
    'Stat.datetime': localDateTime(Date.now() - 3_600_000, 'UTC'),
    'Stat.offer_id': '1',
    'Stat.ad_id': `102f3b${id}a9c1e0d`,
    'Stat.goal_id': '0',
    'Stat.conversion_status': 'pending',
    'Stat.payout': '7.50000',
    'Stat.currency': 'USD',
    ...fields,
  };
}

interface Setup {
  tune: FakeTuneServer;
  integrationId: number;
  offerSourceId: number;
  campaignId: number;
  /** A real click through the campaign; answers Waypost's click id, as the offer URL carried it to TUNE. */
  click(refId?: string): Promise<string>;
}

describe('TUNE conversion pull over real HTTP against the fake TUNE server', () => {
  let server: TestServer;
  const fakes: FakeTuneServer[] = [];

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
  });
  after(async () => {
    await server.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  /**
   * A fake network with its offer imported into a fresh offer source (the tracking URL gets
   * `aff_sub={{messageId}}`, seed 004's global URL parameter), a channel whose postback takes
   * `postbackStatuses`, and a campaign sending clicks to the imported offer.
   */
  async function setup(options: { network?: boolean; messageIdField?: string; postbackStatuses?: string[]; pageSize?: number; messageParameter?: string } = {}): Promise<Setup> {
    const tune = await startFakeTuneServer({
      offers: [{ Offer: { id: '1', name: 'Offer 1', default_payout: '7.50', payout_type: 'cpa_flat', status: 'active', is_expired: '0', currency: null } }],
    });
    fakes.push(tune);
    const n = fakes.length;
    const { integrationId, offerSourceId } = await createTuneIntegration(server, tune, {
      label: n,
      network: options.network,
      settings: {
        ...(options.messageIdField && { messageIdField: options.messageIdField }),
        pageSize: options.pageSize ?? 500,
        import: { trackingUrlParameters: [{ key: options.messageParameter ?? 'aff_sub', value: '{{messageId}}' }] },
      },
    });
    const imported = await server.api('POST', `/api/v1/integrations/${integrationId}/refresh?wait=true`);
    assert.equal(imported.body.state, 'succeeded', JSON.stringify(imported.body));
    const offers = await server.api('GET', `/api/v1/offers?offerSourceId=${offerSourceId}`);
    const offer = offers.body.items[0];
    const channel = await createVia(server, 'traffic-channels', {
      name: `Channel ${n}`,
      parameters: [{ key: 'ref_id', macro: '{cid}' }],
      postbackUrl: 'https://channel.example/pb?cid={ref_id}&payout={payout}&status={status}',
      postbackStatuses: options.postbackStatuses ?? ['pending', 'approved'],
    });
    const campaign = await createVia(server, 'campaigns', { name: `Campaign ${n}`, trafficChannelId: channel.id, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } });
    await server.edge.snapshots.refresh();
    const click = async (refId = `zp-${n}`) => {
      const response = await fetch(`${server.url}/c/${campaign.key}?ref_id=${refId}`, { redirect: 'manual' });
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.host, 'acme.go2cloud.org', 'the visitor goes to the TUNE tracking link');
      return location.searchParams.get(options.messageParameter ?? 'aff_sub')!;
    };
    return { tune, integrationId, offerSourceId, campaignId: campaign.id, click };
  }

  async function pull(integrationId: number, expected: 'succeeded' | 'failed' = 'succeeded'): Promise<any> {
    const response = await server.api('POST', `/api/v1/integrations/${integrationId}/pull-conversions?wait=true`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.state, expected, JSON.stringify(response.body));
    assert.equal(response.body.kind, 'conversion_pull');
    return response.body;
  }

  async function pulled(integrationId: number, query = ''): Promise<any[]> {
    const response = await server.api('GET', `/api/v1/integrations/${integrationId}/pulled-conversions${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.items;
  }

  async function conversionsOf(clickId: string): Promise<any[]> {
    const response = await server.api('GET', `/api/v1/conversions?clickId=${clickId}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.items;
  }

  async function outgoing(conversionId: number): Promise<string[]> {
    const response = await server.api('GET', `/api/v1/outgoing-postbacks?conversionId=${conversionId}&limit=50`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.items.map((entry: { url: string }) => entry.url).reverse();
  }

  it('first pass: Stat.ad_id is our click id; the conversion gets the click, the partner payout and status, and its channel postback', async () => {
    const { tune, integrationId, offerSourceId, campaignId, click } = await setup();
    const clickId = await click('zp-first');
    tune.conversions.push(tuneConversion('1', { 'Stat.ad_id': clickId, 'Stat.payout': '7.50000' }));

    const run = await pull(integrationId);
    assert.deepEqual([run.conversionsPulled, run.trigger, run.errors], [1, 'manual', []]);
    const [conversion] = await conversionsOf(clickId);
    assert.ok(conversion, 'one conversion for the click');
    assert.deepEqual(
      [conversion.origin, conversion.status, conversion.payout, conversion.originalCurrency, conversion.offerSourceId, conversion.campaignId, conversion.refId, conversion.type],
      ['pull', 'pending', 7.5, 'USD', offerSourceId, campaignId, 'zp-first', null],
    );
    assert.equal(conversion.params.click_id_source, 'Stat.ad_id');
    assert.deepEqual(await outgoing(conversion.id), ['https://channel.example/pb?cid=zp-first&payout=7.5&status=pending']);
    const [record] = await pulled(integrationId, '?matched=true');
    assert.deepEqual([record.externalId, record.matched, record.clickId, record.conversionId, record.unmatchedReason], ['1', true, clickId, conversion.id, null]);

    const report = tune.requests.find((request) => request.params.Method === 'getConversions')!;
    assert.equal(report.params.Target, 'Affiliate_Report');
    assert.ok((report.params.fields as string[]).includes('Stat.affiliate_info1'), 'the aff_sub field is asked for');
  });

  it('second pass: Stat.ad_id is TUNE’s own transaction id and aff_sub carries our click id (put there by the imported URL’s global parameter)', async () => {
    const { tune, integrationId, click } = await setup();
    const clickId = await click();
    tune.conversions.push(tuneConversion('2', { 'Stat.affiliate_info1': clickId }));

    await pull(integrationId);
    const [conversion] = await conversionsOf(clickId);
    assert.equal(conversion?.params.click_id_source, 'aff_sub');
    assert.equal(conversion.eventId, '102f3b2a9c1e0d', "TUNE's transaction id is the event id");
  });

  it('second pass on the Network API: messageIdField affiliate_unique1 reads ConversionsMobile.affiliate_unique1', async () => {
    const { tune, integrationId, click } = await setup({ network: true, messageIdField: 'affiliate_unique1', messageParameter: 'aff_unique1' });
    const clickId = await click();
    tune.conversions.push(tuneConversion('3', { 'Stat.affiliate_id': tune.affiliateId, 'ConversionsMobile.affiliate_unique1': clickId }));

    await pull(integrationId);
    const [conversion] = await conversionsOf(clickId);
    assert.equal(conversion?.params.click_id_source, 'affiliate_unique1');
    const report = tune.requests.find((request) => request.params.Method === 'getConversions')!;
    assert.equal(report.params.Target, 'Report');
    assert.ok((report.params.fields as string[]).includes('ConversionsMobile.affiliate_unique1'));
  });

  it('postback first, then pull: one conversion; the pull links to it and moves its status and payout to the partner’s', async () => {
    const { tune, integrationId, click } = await setup();
    const clickId = await click('zp-pb');
    const posted = await fetch(`${server.url}/postback?clickid=${clickId}&sum=7.5&status=pending`);
    assert.equal(await posted.text(), 'accepted: conversion created\n');
    const [byPostback] = await conversionsOf(clickId);

    tune.conversions.push(tuneConversion('4', { 'Stat.affiliate_info1': clickId, 'Stat.conversion_status': 'approved', 'Stat.payout': '8.00000' }));
    await pull(integrationId);
    const conversions = await conversionsOf(clickId);
    assert.equal(conversions.length, 1, 'postback and pull are one conversion');
    assert.deepEqual([conversions[0].id, conversions[0].origin, conversions[0].status, conversions[0].payout], [byPostback.id, 'postback', 'approved', 8]);
    const [record] = await pulled(integrationId);
    assert.equal(record.conversionId, byPostback.id);
    assert.deepEqual(await outgoing(byPostback.id), ['https://channel.example/pb?cid=zp-pb&payout=7.5&status=pending', 'https://channel.example/pb?cid=zp-pb&payout=8&status=approved']);

    await pull(integrationId);
    assert.equal((await conversionsOf(clickId)).length, 1, 'a later pull changes nothing');
    assert.equal((await outgoing(byPostback.id)).length, 2);
  });

  it('pull first, then postback: the store meets the pulled conversion by its key, so a postback for it is no second conversion', async () => {
    const { pulledTwinPlan } = await import('../../src/conversions/pulled-twin-plan.js');
    const { tune, integrationId, offerSourceId, click } = await setup();
    const clickId = await click();
    tune.conversions.push(tuneConversion('5', { 'Stat.affiliate_info1': clickId }));
    await pull(integrationId);
    const [byPull] = await conversionsOf(clickId);

    const plan = await pulledTwinPlan(server.store, clickId, null, offerSourceId);
    assert.ok(plan, 'a postback of the click from the same offer source finds the pulled conversion');
    assert.equal(await pulledTwinPlan(server.store, clickId, 'upsell', offerSourceId), undefined, 'a typed postback is another conversion');
    const stored = (await server.store.conversions.get(byPull.id))!;
    const recorded = await server.store.conversions.record({ ...stored, origin: 'postback', status: 'approved' }, plan);
    assert.deepEqual([recorded.outcome, recorded.conversion.id], ['ignored', byPull.id]);
    assert.equal((await conversionsOf(clickId)).length, 1);
  });

  it('pull first, then postback over /postback: one conversion whose status the postback moves on', async () => {
    const { tune, integrationId, click } = await setup();
    const clickId = await click();
    tune.conversions.push(tuneConversion('6', { 'Stat.affiliate_info1': clickId }));
    await pull(integrationId);
    const posted = await fetch(`${server.url}/postback?clickid=${clickId}&sum=7.5&status=approved`);
    assert.match(await posted.text(), /^accepted/);
    const conversions = await conversionsOf(clickId);
    assert.equal(conversions.length, 1);
    assert.deepEqual([conversions[0].origin, conversions[0].status], ['pull', 'approved']);
  });

  it("pulled conversions count toward the offer's caps at once, and a later approval toward an approved cap", async () => {
    const { tune, integrationId, offerSourceId, click } = await setup();
    const [offer] = (await server.api('GET', `/api/v1/offers?offerSourceId=${offerSourceId}`)).body.items;
    const patched = await server.api('PATCH', `/api/v1/offers/${offer.id}`, { caps: { total: 1, type: 'approved' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await server.edge.snapshots.refresh();
    const capped = () => server.edge.deps.state.caps.isCapped(server.edge.snapshots.current.offers.get(offer.id)!.offer, Date.now());
    const clickId = await click('zp-capped');
    tune.conversions.push(tuneConversion('8', { 'Stat.affiliate_info1': clickId, 'Stat.conversion_status': 'pending' }));
    await pull(integrationId);
    assert.equal(capped(), false, 'a pending conversion does not count toward an approved cap');
    tune.conversions[0]!['Stat.conversion_status'] = 'approved';
    await pull(integrationId);
    assert.equal(capped(), true, 'the approval the pull brought reached the cap, without a restart');
  });

  it('a later pull moves the status on (pending → approved), and the channel hears it when it takes that status', async () => {
    const { tune, integrationId, click } = await setup({ postbackStatuses: ['approved'] });
    const clickId = await click('zp-later');
    tune.conversions.push(tuneConversion('7', { 'Stat.affiliate_info1': clickId, 'Stat.conversion_status': 'pending' }));
    await pull(integrationId);
    const [pending] = await conversionsOf(clickId);
    assert.equal(pending.status, 'pending');
    assert.deepEqual(await outgoing(pending.id), [], 'the channel takes approved ones only');

    tune.conversions[0]!['Stat.conversion_status'] = 'approved';
    const run = await pull(integrationId);
    assert.equal(run.conversionsPulled, 1);
    const [approved] = await conversionsOf(clickId);
    assert.deepEqual([approved.id, approved.status, approved.payout], [pending.id, 'approved', 7.5]);
    assert.deepEqual(await outgoing(pending.id), ['https://channel.example/pb?cid=zp-later&payout=7.5&status=approved']);

    tune.conversions[0]!['Stat.conversion_status'] = 'rejected';
    await pull(integrationId);
    assert.equal((await conversionsOf(clickId))[0].status, 'declined', "TUNE's rejected is declined");
    const [record] = await pulled(integrationId);
    assert.deepEqual([record.status, record.partnerStatus], ['declined', 'rejected']);
  });

  it('two TUNE accounts pull independently: each integration asks its own server and records only its own conversions', async () => {
    const first = await setup();
    const second = await setup();
    const firstClick = await first.click();
    const secondClick = await second.click();
    first.tune.conversions.push(tuneConversion('8', { 'Stat.affiliate_info1': firstClick }));
    second.tune.conversions.push(tuneConversion('8', { 'Stat.affiliate_info1': secondClick }));
    second.tune.requests.length = 0;

    await pull(first.integrationId);
    assert.equal(second.tune.requests.length, 0, "the first account's pull never calls the second's server");
    assert.deepEqual((await pulled(first.integrationId)).map((record) => record.clickId), [firstClick]);
    assert.deepEqual(await pulled(second.integrationId), []);
    assert.equal((await conversionsOf(secondClick)).length, 0);

    await pull(second.integrationId);
    assert.deepEqual((await pulled(second.integrationId)).map((record) => record.clickId), [secondClick], 'the same partner id in another account is another conversion');
    const [a] = await conversionsOf(firstClick);
    const [b] = await conversionsOf(secondClick);
    assert.deepEqual([a.offerSourceId, b.offerSourceId], [first.offerSourceId, second.offerSourceId]);

    assert.equal((await server.api('DELETE', `/api/v1/integrations/${first.integrationId}`)).status, 204, 'an integration with pulled conversions can be deleted');
    assert.equal((await conversionsOf(firstClick)).length, 1, 'its conversions stay');
    assert.equal((await server.api('GET', `/api/v1/integrations/${first.integrationId}/pulled-conversions`)).status, 404);
  });

  it('unmatched conversions are kept and listed with the reason, and matched by a later pull once the click id is known', async () => {
    const { tune, integrationId, campaignId, click } = await setup();
    const unknown = mintClickId();
    tune.conversions.push(
      tuneConversion('9', { 'Stat.affiliate_info1': unknown }),
      tuneConversion('10', { 'Stat.ad_id': '' }),
      tuneConversion('11', { 'Stat.affiliate_info1': 'not-yet-fixed' }),
    );
    const run = await pull(integrationId);
    assert.equal(run.conversionsPulled, 3);
    const reasons = Object.fromEntries((await pulled(integrationId, '?matched=false')).map((record) => [record.externalId, record.unmatchedReason]));
    assert.deepEqual(reasons, {
      '9': `Stat.ad_id "102f3b9a9c1e0d" is not a Waypost click id; click id ${unknown} (aff_sub) unknown`,
      '10': 'no click id in Stat.ad_id or aff_sub',
      '11': 'Stat.ad_id "102f3b11a9c1e0d" is not a Waypost click id; aff_sub "not-yet-fixed" is not a Waypost click id',
    });
    assert.ok(run.skips.some((skip: { externalId: string; reason: string }) => skip.externalId === '10' && skip.reason === 'kept unmatched: no click id in Stat.ad_id or aff_sub'), 'the run log shows each with its reason');
    assert.deepEqual(await pulled(integrationId, '?matched=true'), []);

    // The network fixes the field: the row comes again with the click id.
    const fixed = await click();
    tune.conversions[2]!['Stat.affiliate_info1'] = fixed;
    // The partner stops sending one (out of its window) whose click arrives only now: the stored row is tried again.
    tune.conversions.splice(0, 1);
    const late = makeClick({ campaignId, createdAt: Date.now() - 60_000, refId: 'zp-late' });
    await server.events.write({ clicks: [{ ...late, clickId: unknown }], impressions: [] });

    await pull(integrationId);
    assert.deepEqual((await pulled(integrationId, '?matched=false')).map((record) => record.externalId), ['10']);
    assert.equal((await conversionsOf(fixed)).length, 1);
    const [lateConversion] = await conversionsOf(unknown);
    assert.equal(lateConversion?.refId, 'zp-late');
    const matched = (await pulled(integrationId, '?matched=true')).find((record) => record.externalId === '9');
    assert.equal(matched.conversionId, lateConversion.id);
  });

  it('lists pulled conversions newest first, paged by cursor', async () => {
    const { tune, integrationId } = await setup();
    tune.conversions.push(tuneConversion('12'), tuneConversion('13'), tuneConversion('14'));
    await pull(integrationId);
    const first = await server.api('GET', `/api/v1/integrations/${integrationId}/pulled-conversions?limit=2`);
    assert.deepEqual(first.body.items.map((record: { externalId: string }) => record.externalId), ['14', '13']);
    const second = await server.api('GET', `/api/v1/integrations/${integrationId}/pulled-conversions?limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual([second.body.items.map((record: { externalId: string }) => record.externalId), second.body.nextCursor], [['12'], null]);
  });

  it('a partner error mid-pull fails the run with the partner’s message, keeps the earlier pages, and a later pull completes without doubles', async () => {
    const { tune, integrationId, click } = await setup({ pageSize: 1 });
    const clicks = [await click(), await click(), await click()];
    tune.conversions.push(...clicks.map((clickId, i) => tuneConversion(String(20 + i), { 'Stat.affiliate_info1': clickId, 'Stat.datetime': localDateTime(Date.now() - (3 - i) * 60_000, 'UTC') })));
    tune.failPage(2, { kind: 'envelope', message: 'Report service temporarily unavailable.' });

    const failed = await pull(integrationId, 'failed');
    assert.equal(failed.errors.at(-1), 'Report service temporarily unavailable.');
    assert.equal(failed.conversionsPulled, 1, 'page 1 was counted before page 2 failed');
    assert.deepEqual((await pulled(integrationId)).map((record) => [record.externalId, record.matched]), [['20', true]]);
    assert.deepEqual(await Promise.all(clicks.map(async (clickId) => (await conversionsOf(clickId)).length)), [1, 0, 0]);
    const integration = await server.api('GET', `/api/v1/integrations/${integrationId}`);
    assert.deepEqual([integration.body.status, integration.body.lastError?.message], ['error', 'Report service temporarily unavailable.']);

    tune.reset();
    const succeeded = await pull(integrationId);
    assert.equal(succeeded.conversionsPulled, 3);
    assert.deepEqual(await Promise.all(clicks.map(async (clickId) => (await conversionsOf(clickId)).length)), [1, 1, 1]);
    assert.equal((await server.api('GET', `/api/v1/integrations/${integrationId}`)).body.status, 'active', 'a successful pull ends the error status');
    const runs = await server.api('GET', `/api/v1/integrations/${integrationId}/runs`);
    assert.deepEqual(runs.body.items.map((run: { kind: string; state: string }) => `${run.kind}:${run.state}`), ['conversion_pull:succeeded', 'conversion_pull:failed', 'offer_import:succeeded']);
  });

  it('refuses bad input: unknown integration 404, no offer source or disabled 409, a run under way 409, a bad filter or cursor 400', async () => {
    assert.equal((await server.api('POST', '/api/v1/integrations/999999/pull-conversions')).status, 404);
    assert.equal((await server.api('GET', '/api/v1/integrations/999999/pulled-conversions')).status, 404);
    const { tune, integrationId } = await setup();

    const badFilter = await server.api('GET', `/api/v1/integrations/${integrationId}/pulled-conversions?matched=maybe`);
    assert.equal(badFilter.status, 400);
    assert.match(JSON.stringify(badFilter.body), /matched/);
    assert.equal((await server.api('GET', `/api/v1/integrations/${integrationId}/pulled-conversions?cursor=nonsense`)).status, 400);

    const release = tune.holdPage(1);
    const started = await server.api('POST', `/api/v1/integrations/${integrationId}/pull-conversions`);
    assert.deepEqual([started.status, started.body.state, started.body.kind], [202, 'running', 'conversion_pull']);
    const refused = await server.api('POST', `/api/v1/integrations/${integrationId}/pull-conversions`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /already under way/);
    assert.equal((await server.api('POST', `/api/v1/integrations/${integrationId}/refresh`)).status, 409, 'nor an import beside the pull');
    release();
    for (let i = 0; i < 200 && (await server.store.integrationRuns.get(started.body.id))?.state === 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 10));

    assert.equal((await server.api('POST', `/api/v1/integrations/${integrationId}/disable`)).status, 200);
    const disabled = await server.api('POST', `/api/v1/integrations/${integrationId}/pull-conversions`);
    assert.equal(disabled.status, 409);
    assert.match(disabled.body.error.message, /disabled/);
    assert.equal((await server.api('POST', `/api/v1/integrations/${integrationId}/enable`)).status, 200);

    await server.store.integrations.update(integrationId, { offerSourceId: null }, Date.now());
    const sourceless = await server.api('POST', `/api/v1/integrations/${integrationId}/pull-conversions`);
    assert.equal(sourceless.status, 409);
    assert.match(sourceless.body.error.message, /no offer source/);
  });
});
