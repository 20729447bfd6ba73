import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeTuneServer, type FakeTuneOffer, type FakeTuneServer } from '../fakes/tune-server.js';
import { createVia } from '../support/fixtures.js';
import { createTuneIntegration } from '../support/tune-integration.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A TUNE offer as the network sends it (every scalar a string); `fields` replace or add Offer fields. */
function tuneOffer(id: number, fields: Record<string, string | null> = {}, more: Omit<FakeTuneOffer, 'Offer'> = {}): FakeTuneOffer {
  return {
    Offer: { id: String(id), name: `Offer ${id}`, preview_url: `https://store.example/${id}`, default_payout: '10.00', payout_type: 'cpa_flat', status: 'active', is_expired: '0', currency: null, ...fields },
    ...more,
  };
}

interface Setup {
  tune: FakeTuneServer;
  integrationId: number;
  offerSourceId: number;
}

describe('offer import over real HTTP against the fake TUNE server', () => {
  let server: TestServer;
  const fakes: FakeTuneServer[] = [];

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
  });
  after(async () => {
    await server.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  /** A fresh network, offer source and integration, so each test sees only its own offers. */
  async function setup(offers: FakeTuneOffer[], importSettings: Record<string, unknown> = {}, options: { network?: boolean; pageSize?: number } = {}): Promise<Setup> {
    const tune = await startFakeTuneServer({ offers });
    fakes.push(tune);
    const { integrationId, offerSourceId } = await createTuneIntegration(server, tune, {
      label: fakes.length,
      network: options.network,
      settings: { pageSize: options.pageSize ?? 500, import: importSettings },
    });
    return { tune, integrationId, offerSourceId };
  }

  async function refresh(integrationId: number): Promise<any> {
    const response = await server.api('POST', `/api/v1/integrations/${integrationId}/refresh?wait=true`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  }

  /** The source's offers by the partner's id. */
  async function offersOf(offerSourceId: number): Promise<Map<string, any>> {
    const response = await server.api('GET', `/api/v1/offers?offerSourceId=${offerSourceId}&status=active,paused,archived&limit=500`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return new Map(response.body.items.map((offer: any) => [offer.externalId, offer]));
  }

  async function importOne(fields: Record<string, string | null>, importSettings: Record<string, unknown>, more: Omit<FakeTuneOffer, 'Offer'> = {}, options: { network?: boolean } = {}) {
    const { integrationId, offerSourceId } = await setup([tuneOffer(1, fields, more)], importSettings, options);
    const run = await refresh(integrationId);
    assert.equal(run.state, 'succeeded', JSON.stringify(run));
    return { run, offer: (await offersOf(offerSourceId)).get('1') };
  }

  /** Imports the offers and answers which were imported and why the others were skipped. */
  async function importedIds(offers: FakeTuneOffer[], importSettings: Record<string, unknown>) {
    const { integrationId, offerSourceId } = await setup(offers, importSettings);
    const run = await refresh(integrationId);
    assert.equal(run.state, 'succeeded', JSON.stringify(run));
    const skips = Object.fromEntries(run.skips.map((skip: { externalId: string; reason: string }) => [skip.externalId, skip.reason]));
    return { ids: [...(await offersOf(offerSourceId)).keys()].sort(), skips };
  }

  it('imports every offer with seed 004 field mapping: name, tracking URL, payout, payout type, status, and links it to the integration', async () => {
    const { integrationId, offerSourceId } = await setup([tuneOffer(1), tuneOffer(2, { status: 'paused', payout_type: 'cpa_percentage', percent_payout: '30' })]);
    const run = await refresh(integrationId);
    assert.deepEqual({ state: run.state, fetched: run.offersFetched, created: run.offersCreated, updated: run.offersUpdated, skipped: run.offersSkipped, trigger: run.trigger }, { state: 'succeeded', fetched: 2, created: 2, updated: 0, skipped: 0, trigger: 'manual' });
    const offers = await offersOf(offerSourceId);
    const first = offers.get('1');
    assert.equal(first.name, 'Offer 1');
    assert.equal(first.url, 'https://acme.go2cloud.org/aff_c?offer_id=1&aff_id=2002');
    assert.deepEqual([first.payoutType, first.payout, first.payoutModel, first.status, first.integrationId], ['fixed', 10, 'cpa', 'active', integrationId]);
    assert.equal(first.currency, 'USD', "the offer source's currency when the partner sends none");
    const second = offers.get('2');
    assert.deepEqual([second.payoutType, second.payoutModel, second.status], ['auto', 'cps', 'paused'], 'a percentage takes the postback sum; the partner’s paused status is kept');
  });

  it('re-importing the same offers is idempotent: same offers, nothing created or updated; a partner change updates in place', async () => {
    const { tune, integrationId, offerSourceId } = await setup([tuneOffer(1), tuneOffer(2)]);
    await refresh(integrationId);
    const before = await offersOf(offerSourceId);
    const again = await refresh(integrationId);
    assert.deepEqual([again.offersCreated, again.offersUpdated], [0, 0]);
    const after = await offersOf(offerSourceId);
    assert.deepEqual([...after.values()].map((offer) => offer.id).sort(), [...before.values()].map((offer) => offer.id).sort());

    tune.offers[0]!.Offer.default_payout = '12.50';
    const changed = await refresh(integrationId);
    assert.deepEqual([changed.offersCreated, changed.offersUpdated], [0, 1]);
    const updated = await offersOf(offerSourceId);
    assert.equal(updated.size, 2);
    assert.equal(updated.get('1').payout, 12.5);
    assert.equal(updated.get('1').id, before.get('1').id);
  });

  it('appends the tracking URL parameters with their macros (click macros kept for the redirect, import macros filled)', async () => {
    const { offer } = await importOne({}, { trackingUrlParameters: [{ key: 'aff_sub', value: '{clickid}' }, { key: 'aff_sub2', value: '{{offerId}}' }, { key: 'source', value: '{{messageId}}' }] });
    assert.equal(offer.url, 'https://acme.go2cloud.org/aff_c?offer_id=1&aff_id=2002&aff_sub={clickid}&aff_sub2=1&source={clickid}');
  });

  it('appends the impression URL parameters, refusing settings without {imp_id} while impressions are allowed', async () => {
    const refused = await server.api('POST', '/api/v1/integrations', {
      partner: 'tune',
      name: 'No imp id',
      offerSourceId: (await createVia(server, 'offer-sources', { fromTemplate: 'tune', name: 'imp check' })).id,
      settings: { api: 'affiliate', networkId: 'acme', import: { allowImpressions: true, impressionUrlParameters: [{ key: 'sub', value: '{clickid}' }] } },
      credentials: { apiKey: 'key-0123456789' },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'settings.import.impressionUrlParameters');

    const { offer } = await importOne({}, { allowImpressions: true, impressionUrlParameters: [{ key: 'imp', value: '{imp_id}' }] });
    assert.equal(offer.impressionUrl, 'https://acme.go2cloud.org/aff_i?offer_id=1&aff_id=2002&imp={imp_id}');
    assert.equal(offer.impressionsAllowed, true);
  });

  it('allow impressions off: the partner’s impression pixel is not imported', async () => {
    const { offer } = await importOne({}, {});
    assert.equal(offer.impressionUrl, null);
    assert.equal(offer.impressionsAllowed, false);
  });

  it("advertiser: the integration's advertiser replaces the partner's, which is kept when none is set", async () => {
    const more = { advertiser: { id: '77', company: 'Watch Co' } };
    assert.equal((await importOne({ advertiser_id: '77' }, {}, more, { network: true })).offer.advertiser, 'Watch Co');
    assert.equal((await importOne({ advertiser_id: '77' }, { advertiser: 'Watch Holding' }, more, { network: true })).offer.advertiser, 'Watch Holding');
  });

  it("category: the partner's category wins when sent, the integration's applies otherwise", async () => {
    assert.equal((await importOne({}, { category: 'Sweepstakes' }, { categories: [{ id: '3', name: 'Health' }] })).offer.category, 'Health');
    assert.equal((await importOne({}, { category: 'Sweepstakes' })).offer.category, 'Sweepstakes');
  });

  it("imported offer status: the partner's by default, or the one set for every imported offer", async () => {
    assert.equal((await importOne({ status: 'paused' }, {})).offer.status, 'paused');
    assert.equal((await importOne({}, { offerStatus: 'paused' })).offer.status, 'paused');
    assert.equal((await importOne({ status: 'paused' }, { offerStatus: 'active' })).offer.status, 'active');
  });

  it('imported offer visibility: private, permission or public', async () => {
    assert.equal((await importOne({}, {})).offer.visibility, 'public');
    assert.equal((await importOne({}, { visibility: 'private' })).offer.visibility, 'private');
    assert.equal((await importOne({}, { visibility: 'permission' })).offer.visibility, 'permission');
  });

  it('payout ratio: 0.9 of a 10 USD payout is a 9 USD publisher payout', async () => {
    const { offer } = await importOne({}, { payoutRatio: 0.9 });
    assert.equal(offer.payout, 10, 'what the network pays stays the offer payout');
    assert.equal(offer.publisherPayout, 9);
  });

  it('publisher-specific payouts: a fixed amount or a ratio per named publisher', async () => {
    const { offer } = await importOne({}, { publisherPayouts: [{ publisher: 'Alice', payout: 7.5 }, { publisher: 'Bob', ratio: 0.5 }] });
    assert.deepEqual(offer.publisherPayouts, [{ publisher: 'Alice', payout: 7.5 }, { publisher: 'Bob', payout: 5 }]);
    const bad = await server.api('PATCH', `/api/v1/integrations/${offer.integrationId}`, { settings: { import: { publisherPayouts: [{ publisher: 'Carol' }] } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.field, /^settings\.import\.publisherPayouts/);
  });

  it('country filter: an allow list imports only offers for those countries (and worldwide ones), a block list skips offers for blocked countries', async () => {
    const offers = [tuneOffer(1, {}, { countries: ['US'] }), tuneOffer(2, {}, { countries: ['DE', 'FR'] }), tuneOffer(3)];
    const allowed = await importedIds(offers, { filters: { countryLogic: 'allow', countries: ['US'] } });
    assert.deepEqual(allowed.ids, ['1', '3']);
    assert.match(allowed.skips['2'], /DE, FR, none of the allowed countries/);
    const blocked = await importedIds(offers, { filters: { countryLogic: 'block', countries: ['FR'] } });
    assert.deepEqual(blocked.ids, ['1', '3']);
    assert.equal(blocked.skips['2'], 'targets blocked country FR');
  });

  it('skip offers without a preview URL', async () => {
    const offers = [tuneOffer(1), tuneOffer(2, { preview_url: null })];
    assert.deepEqual((await importedIds(offers, {})).ids, ['1', '2']);
    const filtered = await importedIds(offers, { filters: { skipWithoutPreviewUrl: true } });
    assert.deepEqual(filtered.ids, ['1']);
    assert.equal(filtered.skips['2'], 'no preview URL');
  });

  it('offer models: only the chosen payout models are imported', async () => {
    const offers = [tuneOffer(1), tuneOffer(2, { payout_type: 'cpc', default_payout: '0.05' }), tuneOffer(3, { payout_type: 'cpm' })];
    const filtered = await importedIds(offers, { filters: { models: ['cpa', 'cpc'] } });
    assert.deepEqual(filtered.ids, ['1', '2']);
    assert.equal(filtered.skips['3'], 'payout model CPM is not imported (CPA, CPC)');
  });

  it('minimum and maximum payout', async () => {
    const offers = [tuneOffer(1, { default_payout: '0.50' }), tuneOffer(2, { default_payout: '5' }), tuneOffer(3, { default_payout: '80' })];
    const filtered = await importedIds(offers, { filters: { minPayout: 1, maxPayout: 50 } });
    assert.deepEqual(filtered.ids, ['2']);
    assert.equal(filtered.skips['1'], 'payout 0.5 is below the minimum 1');
    assert.equal(filtered.skips['3'], 'payout 80 is above the maximum 50');
  });

  it('OS filter: offers shown to be for another OS are skipped, offers for every device kept', async () => {
    const offers = [
      tuneOffer(1, { preview_url: 'https://play.google.com/store/apps/details?id=com.example' }),
      tuneOffer(2, { name: 'Puzzle game iOS', preview_url: 'https://apps.apple.com/app/id1' }),
      tuneOffer(3),
    ];
    const filtered = await importedIds(offers, { filters: { os: 'android' } });
    assert.deepEqual(filtered.ids, ['1', '3']);
    assert.equal(filtered.skips['2'], 'for ios, not android');
  });

  it('geo filters: an offer for the country is held against that country’s own payout range', async () => {
    const offers = [tuneOffer(1, { default_payout: '3' }, { countries: ['IN'] }), tuneOffer(2, { default_payout: '3' }, { countries: ['US'] }), tuneOffer(3, { default_payout: '30' }, { countries: ['US'] })];
    const filtered = await importedIds(offers, { filters: { minPayout: 5, geo: [{ country: 'IN', minPayout: 1, maxPayout: 4 }] } });
    assert.deepEqual(filtered.ids, ['1', '3']);
    assert.equal(filtered.skips['2'], 'payout 3 is below the minimum 5');
  });

  it('import frequency is kept for the scheduler and checked (at least 15 minutes)', async () => {
    const { integrationId } = await setup([tuneOffer(1)], { frequencyMinutes: 240 });
    assert.equal((await server.api('GET', `/api/v1/integrations/${integrationId}`)).body.settings.import.frequencyMinutes, 240);
    const bad = await server.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { import: { frequencyMinutes: 5 } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'settings.import.frequencyMinutes');
    const kept = await server.api('PATCH', `/api/v1/integrations/${integrationId}`, { settings: { import: { visibility: 'private' } } });
    assert.equal(kept.body.settings.import.frequencyMinutes, 240, 'an import setting left out keeps its value');
  });

  it('integration status: a disabled integration imports nothing (409) until enabled', async () => {
    const { integrationId, offerSourceId } = await setup([tuneOffer(1)]);
    await server.api('POST', `/api/v1/integrations/${integrationId}/disable`);
    const refused = await server.api('POST', `/api/v1/integrations/${integrationId}/refresh`);
    assert.equal(refused.status, 409);
    assert.equal((await offersOf(offerSourceId)).size, 0);
    await server.api('POST', `/api/v1/integrations/${integrationId}/enable`);
    assert.equal((await refresh(integrationId)).offersCreated, 1);
  });

  it('updatable columns: a column left unchecked keeps the manual edit across refreshes, a checked one follows the partner', async () => {
    const { tune, integrationId, offerSourceId } = await setup([tuneOffer(1)], { updatableColumns: ['payout', 'url'] });
    await refresh(integrationId);
    const imported = (await offersOf(offerSourceId)).get('1');
    const edited = await server.api('PATCH', `/api/v1/offers/${imported.id}`, { name: 'My watch offer', payout: 99 });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));

    tune.offers[0]!.Offer.name = 'Offer 1 (renamed by the network)';
    tune.offers[0]!.Offer.default_payout = '11';
    const run = await refresh(integrationId);
    assert.equal(run.offersUpdated, 1);
    const after = (await offersOf(offerSourceId)).get('1');
    assert.equal(after.name, 'My watch offer', 'name is not updatable: the edit stays');
    assert.equal(after.payout, 11, 'payout is updatable: the partner’s value replaces the edit');
  });

  it('redirect type: 302 by default, 200 when set', async () => {
    assert.equal((await importOne({}, {})).offer.redirectType, '302');
    assert.equal((await importOne({}, { redirectType: '200' })).offer.redirectType, '200');
  });

  it("primary objective: set on every imported offer beside the partner's payout model", async () => {
    const { offer } = await importOne({}, { primaryObjective: 'cpi' });
    assert.deepEqual([offer.objective, offer.payoutModel], ['cpi', 'cpa']);
  });

  it("currency override replaces the partner's currency", async () => {
    assert.equal((await importOne({ currency: 'EUR' }, {})).offer.currency, 'EUR');
    assert.equal((await importOne({ currency: 'EUR' }, { currency: 'GBP' })).offer.currency, 'GBP');
  });

  it('time targeting with its time zone', async () => {
    const timeTargeting = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], hours: [9, 10, 11, 12] };
    assert.deepEqual((await importOne({}, { timeTargeting })).offer.timeTargeting, timeTargeting);
    assert.equal((await importOne({}, {})).offer.timeTargeting, null);
  });

  it('multiple conversions with the same click id', async () => {
    assert.equal((await importOne({}, {})).offer.multipleConversionsPerClick, false);
    assert.equal((await importOne({}, { multipleConversionsPerClick: true })).offer.multipleConversionsPerClick, true);
  });

  it('spillover conversions: always, yes or no', async () => {
    assert.equal((await importOne({}, {})).offer.spillover, 'no');
    assert.equal((await importOne({}, { spillover: 'always' })).offer.spillover, 'always');
  });

  it("description and KPIs are added to every imported offer's own", async () => {
    const { offer } = await importOne({ description: 'Smartwatch, US only.' }, { description: 'Imported from Acme.', kpis: 'No incent traffic.' });
    assert.equal(offer.description, 'Imported from Acme.\n\nSmartwatch, US only.');
    assert.equal(offer.kpis, 'No incent traffic.');
  });

  it('caps: the partner’s caps with the cap type, additional caps, visibility, time zone and over-delivery set', async () => {
    const { offer } = await importOne(
      { conversion_cap: '50', monthly_conversion_cap: '900' },
      { caps: { type: 'approved', additional: [{ metric: 'clicks', period: 'daily', limit: 5000 }], visible: false, timeZone: 'Europe/Berlin', overDelivery: 'stay_active' } },
    );
    assert.deepEqual(offer.caps, {
      unit: 'conversions',
      daily: 50,
      total: null,
      timeZone: 'Europe/Berlin',
      type: 'approved',
      additional: [
        { metric: 'conversions', period: 'monthly', limit: 900 },
        { metric: 'clicks', period: 'daily', limit: 5000 },
      ],
      visible: false,
      overDelivery: 'stay_active',
    });
  });

  it('money caps: a partner’s payout cap in another currency is enforced in the account currency at the stored rate; without a rate the offer is skipped, saying which rate to store', async () => {
    const rate = await server.api('PUT', '/api/v1/currency-rates/EUR', { rate: '1.10' });
    assert.equal(rate.status, 200, JSON.stringify(rate.body));
    const { integrationId, offerSourceId } = await setup([
      tuneOffer(1, { currency: 'EUR', payout_cap: '500.00', monthly_payout_cap: '9000.00', conversion_cap: '40' }),
      tuneOffer(2, { currency: 'USD', payout_cap: '300.00' }),
      tuneOffer(3, { currency: 'GBP', payout_cap: '200.00' }),
    ]);
    const run = await refresh(integrationId);
    assert.equal(run.state, 'succeeded', JSON.stringify(run));
    const offers = await offersOf(offerSourceId);
    // 500.00 EUR × 1.10 = 550.00 USD a day, 9000.00 EUR × 1.10 = 9900.00 USD a month (limits in micros).
    assert.equal(offers.get('1').currency, 'EUR');
    assert.equal(offers.get('1').caps.daily, 40);
    assert.deepEqual(offers.get('1').caps.additional, [
      { metric: 'payout', period: 'daily', limit: 550_000_000 },
      { metric: 'payout', period: 'monthly', limit: 9_900_000_000 },
    ]);
    assert.deepEqual(offers.get('2').caps.additional, [{ metric: 'payout', period: 'daily', limit: 300_000_000 }], 'the account currency as sent');
    assert.equal(offers.has('3'), false);
    assert.deepEqual(run.skips, [
      { externalId: '3', reason: 'its daily payout cap is in GBP and no GBP rate is stored to enforce it in the account currency: store one (PUT /api/v1/currency-rates/GBP) and refresh' },
    ]);
  });

  it('update caps: off, a refresh keeps the caps the offer has; on, it takes the partner’s', async () => {
    for (const update of [false, true]) {
      const { tune, integrationId, offerSourceId } = await setup([tuneOffer(1, { conversion_cap: '50' })], { caps: { update } });
      await refresh(integrationId);
      tune.offers[0]!.Offer.conversion_cap = '80';
      await refresh(integrationId);
      assert.equal((await offersOf(offerSourceId)).get('1').caps.daily, update ? 80 : 50, `update ${update}`);
    }
  });

  it('selected offers: only those are imported and checked; none selected imports all', async () => {
    const offers = [tuneOffer(1), tuneOffer(2), tuneOffer(3)];
    assert.deepEqual((await importedIds(offers, {})).ids, ['1', '2', '3']);
    const selected = await importedIds(offers, { offerIds: ['1', '3'] });
    assert.deepEqual(selected.ids, ['1', '3']);
    assert.equal(selected.skips['2'], 'not among the selected offers');
  });

  it('a refresh failing on page 3 leaves the previous offers intact and the run failed with the partner’s error', async () => {
    const offers = [1, 2, 3, 4, 5, 6].map((id) => tuneOffer(id));
    const { tune, integrationId, offerSourceId } = await setup(offers, {}, { pageSize: 2 });
    const first = await refresh(integrationId);
    assert.equal(first.offersCreated, 6);
    const before = await offersOf(offerSourceId);

    for (const offer of tune.offers) offer.Offer.name = `${offer.Offer.name} v2`;
    tune.offers.push(tuneOffer(7));
    tune.failPage(3, { kind: 'envelope', message: 'Internal error while paging offers.' });
    const failed = await refresh(integrationId);
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.errors, ['Internal error while paging offers.']);
    assert.equal(failed.offersFetched, 4, 'pages 1 and 2 came');
    assert.deepEqual([failed.offersCreated, failed.offersUpdated], [0, 0]);
    assert.ok(failed.finishedAt);
    assert.deepEqual(await offersOf(offerSourceId), before, 'no offer changed, none was added');
    const integration = (await server.api('GET', `/api/v1/integrations/${integrationId}`)).body;
    assert.equal(integration.status, 'error');
    assert.equal(integration.lastError.message, 'Internal error while paging offers.');

    tune.reset();
    const recovered = await refresh(integrationId);
    assert.deepEqual([recovered.state, recovered.offersCreated, recovered.offersUpdated], ['succeeded', 1, 6]);
    assert.equal((await offersOf(offerSourceId)).get('1').name, 'Offer 1 v2');
    assert.equal((await server.api('GET', `/api/v1/integrations/${integrationId}`)).body.status, 'active', 'a successful import ends the error status');
  });

  it('the run log lists each skipped offer with its reason, including records the partner sent that are no offer', async () => {
    const offers = [tuneOffer(1), tuneOffer(2, { preview_url: null }), tuneOffer(3, { name: '' }), tuneOffer(4, { default_payout: '0.10' })];
    const { integrationId } = await setup(offers, { filters: { skipWithoutPreviewUrl: true, minPayout: 1 } });
    await refresh(integrationId);
    const log = await server.api('GET', `/api/v1/integrations/${integrationId}/runs`);
    const [run] = log.body.items;
    assert.deepEqual({ fetched: run.offersFetched, created: run.offersCreated, skipped: run.offersSkipped }, { fetched: 4, created: 1, skipped: 3 });
    assert.deepEqual(
      [...run.skips].sort((a: any, b: any) => a.externalId.localeCompare(b.externalId)),
      [
        { externalId: '2', reason: 'no preview URL' },
        { externalId: '3', reason: 'the offer has no name' },
        { externalId: '4', reason: 'payout 0.1 is below the minimum 1' },
      ],
    );
  });

  it('a manual refresh answers 202 with the run under way, and 409 while it runs', async () => {
    const { tune, integrationId, offerSourceId } = await setup([tuneOffer(1)]);
    tune.throttleNext(1, 429, 1);
    const started = await server.api('POST', `/api/v1/integrations/${integrationId}/refresh`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.state, 'running');
    const second = await server.api('POST', `/api/v1/integrations/${integrationId}/refresh`);
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'conflict');

    let run = started.body;
    for (let i = 0; i < 100 && run.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await server.api('GET', `/api/v1/integrations/${integrationId}/runs`)).body.items[0];
    }
    assert.equal(run.state, 'succeeded');
    assert.equal((await offersOf(offerSourceId)).size, 1);
    assert.equal((await server.api('POST', '/api/v1/integrations/99999/refresh')).status, 404);
  });

  it('deleting the integration unlinks its offers, which stay; a new integration of the source takes them over', async () => {
    const { tune, integrationId, offerSourceId } = await setup([tuneOffer(1)]);
    await refresh(integrationId);
    const imported = (await offersOf(offerSourceId)).get('1');
    assert.equal((await server.api('DELETE', `/api/v1/integrations/${integrationId}`)).status, 204);
    const kept = (await offersOf(offerSourceId)).get('1');
    assert.deepEqual([kept.id, kept.status, kept.integrationId, kept.externalId], [imported.id, 'active', null, '1']);

    const again = await createVia(server, 'integrations', {
      partner: 'tune',
      name: 'Acme again',
      offerSourceId,
      settings: { api: 'affiliate', networkId: 'acme', baseUrl: tune.url },
      credentials: { apiKey: tune.affiliateKey },
    });
    const run = await refresh(again.id);
    assert.deepEqual([run.offersCreated, run.offersUpdated], [0, 1]);
    const adopted = (await offersOf(offerSourceId)).get('1');
    assert.deepEqual([adopted.id, adopted.integrationId], [imported.id, again.id]);
  });
});
