import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError, type ImportedOfferPage, type PartnerConnector, type PulledConversion } from '../../src/integrations/connector.js';
import { createTuneConnector } from '../../src/integrations/tune/tune-connector.js';
import type { TuneSettingsInput } from '../../src/integrations/tune/tune-settings.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { startFakeTuneServer, type FakeTuneConversion, type FakeTuneOffer, type FakeTuneServer } from '../fakes/tune-server.js';
import { collect, loopbackGuard as guard } from './connector-test-support.js';


function offer(id: number, overrides: Partial<FakeTuneOffer> = {}, wire: Record<string, string | null> = {}): FakeTuneOffer {
  return {
    Offer: {
      id: String(id),
      name: `Offer ${id}`,
      description: '',
      require_approval: '0',
      preview_url: `https://store.example/preview/${id}`,
      offer_url: `https://advertiser.example/lp/${id}?tid={transaction_id}`,
      currency: null,
      default_payout: '2.00',
      percent_payout: null,
      payout_type: 'cpa_flat',
      status: 'active',
      is_expired: '0',
      conversion_cap: '0',
      advertiser_id: '77',
      ...wire,
    },
    countries: ['US', 'CA'],
    categories: [{ id: '8', name: 'Games' }],
    advertiser: { id: '77', company: 'Bingo Inc' },
    ...overrides,
  };
}

function conversion(n: number, values: Partial<FakeTuneConversion> = {}): FakeTuneConversion {
  return {
    'Stat.id': String(9000 + n),
    'Stat.tune_event_id': `evt-${n}`,
    'Stat.datetime': `2024-05-01 ${String(10 + n).padStart(2, '0')}:00:00`,
    'Stat.offer_id': '532',
    'Stat.ad_id': `1021404325681705207661${String(n).padStart(4, '0')}`,
    'Stat.goal_id': '0',
    'Stat.conversion_status': 'approved',
    'Stat.payout': '2.00000',
    'Stat.currency': 'USD',
    'Stat.affiliate_info1': `clickid${n}`,
    'Stat.affiliate_id': '2002',
    ...values,
  };
}

describe('TUNE connector against the fake TUNE server', () => {
  let tune: FakeTuneServer;
  let affiliate: (overrides?: Partial<TuneSettingsInput>) => PartnerConnector;
  let network: (overrides?: Partial<TuneSettingsInput>) => PartnerConnector;

  before(async () => {
    tune = await startFakeTuneServer({
      offers: [
        offer(532, {}, { name: 'BINGO Blitz - iPhone/iPad US/CA/AU', conversion_cap: '25', description: 'No incent' }),
        offer(533, { countries: [], categories: [] }, { payout_type: 'cpa_percentage', default_payout: '0.00', percent_payout: '30.00', currency: 'usd', preview_url: '' }),
        offer(534, {}, { payout_type: 'cpc', default_payout: '0.12', status: 'paused' }),
        offer(535, { approved: false }),
        offer(536, {}, { is_expired: '1' }),
        offer(537),
        offer(538, {}, { payout_type: 'cpm', default_payout: '1.5' }),
        offer(539, {}, { name: '' }),
      ],
    });
    affiliate = (overrides = {}) =>
      createTuneConnector({ api: 'affiliate', networkId: 'acme', apiKey: tune.affiliateKey, baseUrl: tune.url, pageSize: 3, ...overrides }, { guard, baseDelayMs: 5, attempts: 3 });
    network = (overrides = {}) =>
      createTuneConnector(
        { api: 'network', networkId: 'acme', apiKey: tune.networkToken, baseUrl: tune.url, affiliateId: tune.affiliateId, pageSize: 3, ...overrides },
        { guard, baseDelayMs: 5, attempts: 3 },
      );
  });
  after(() => tune.close());
  beforeEach(() => {
    tune.reset();
    tune.conversions = [];
  });

  it('reads approved offers page by page from paging blocks keyed by id, mapping string-typed fields', async () => {
    const { pages, error } = await collect(affiliate().fetchOffers());
    assert.equal(error, undefined);
    // 7 approved offers (535 is not approved) at 3 a page.
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.offers.length + p.skipped.length]), [[1, 3, 3], [2, 3, 3], [3, 3, 1]]);
    const offers = pages.flatMap((p) => p.offers);
    assert.deepEqual(offers.map((o) => o.externalId), ['532', '533', '534', '536', '537', '538']);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: '539', reason: 'the offer has no name' }]);

    const bingo = offers[0]!;
    assert.equal(bingo.name, 'BINGO Blitz - iPhone/iPad US/CA/AU');
    assert.equal(bingo.trackingUrl, 'https://acme.go2cloud.org/aff_c?offer_id=532&aff_id=2002');
    assert.equal(bingo.impressionUrl, 'https://acme.go2cloud.org/aff_i?offer_id=532&aff_id=2002');
    assert.equal(bingo.destinationUrl, null, 'the Affiliate API does not show the landing page');
    assert.equal(bingo.previewUrl, 'https://store.example/preview/532');
    assert.deepEqual(bingo.payout, { kind: 'fixed', model: 'cpa', amount: 2_000_000, percent: null, partnerType: 'cpa_flat' });
    assert.equal(bingo.currency, null);
    assert.equal(bingo.advertiser, null);
    assert.equal(bingo.status, 'active');
    assert.deepEqual(bingo.countries, ['CA', 'US']);
    assert.deepEqual(bingo.categories, ['Games']);
    assert.equal(bingo.description, 'No incent');
    assert.equal(bingo.requiresApproval, false);
    assert.deepEqual(bingo.caps, [{ metric: 'conversions', period: 'daily', limit: 25 }]);

    const share = offers[1]!;
    assert.deepEqual(share.payout, { kind: 'percent', model: 'cps', amount: null, percent: 30, partnerType: 'cpa_percentage' });
    assert.equal(share.currency, 'USD');
    assert.equal(share.previewUrl, null);
    assert.deepEqual(share.countries, []);
    assert.deepEqual(share.caps, []);
    assert.equal(offers[2]!.status, 'paused');
    assert.deepEqual(offers[2]!.payout, { kind: 'fixed', model: 'cpc', amount: 120_000, percent: null, partnerType: 'cpc' });
    assert.equal(offers[3]!.status, 'expired');
    assert.equal(offers[5]!.payout.model, 'cpm');

    // The Affiliate API authenticates with api_key and PHP-style arrays.
    const first = tune.requests[0]!;
    assert.equal(first.params.Target, 'Affiliate_Offer');
    assert.equal(first.params.Method, 'findMyApprovedOffers');
    assert.equal(first.params.api_key, tune.affiliateKey);
    assert.equal(first.params.NetworkToken, undefined);
    assert.deepEqual(first.params.contain, ['TrackingLink', 'Country', 'OfferCategory']);
    assert.deepEqual(tune.requests.map((r) => [r.params.limit, r.params.page]), [['3', '1'], ['3', '2'], ['3', '3']]);
  });

  it('takes a keyed object without paging block as every offer at once', async () => {
    tune.ignorePaging = true;
    const { pages, error } = await collect(affiliate({ offerMethod: 'findAll' }).fetchOffers());
    assert.equal(error, undefined);
    assert.equal(pages.length, 1);
    assert.equal(pages[0]!.pageCount, null);
    // findAll also lists 535, which the affiliate is not approved for.
    assert.deepEqual(pages[0]!.offers.map((o) => o.externalId), ['532', '533', '534', '535', '536', '537', '538']);
    assert.equal(tune.requests.length, 1);
    assert.equal(tune.requests[0]!.params.Method, 'findAll');
  });

  it('reads offers through the Network API with NetworkToken, the landing page, the advertiser and the affiliate tracking link', async () => {
    const { pages, error } = await collect(network().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, 3], [2, 3], [3, 3]]);
    const offers = pages.flatMap((p) => p.offers);
    assert.equal(offers.length, 7);
    const bingo = offers[0]!;
    assert.equal(bingo.destinationUrl, 'https://advertiser.example/lp/532?tid={transaction_id}');
    assert.equal(bingo.trackingUrl, 'https://acme.go2cloud.org/aff_c?offer_id=532&aff_id=2002');
    assert.deepEqual(bingo.advertiser, { externalId: '77', name: 'Bingo Inc' });

    const first = tune.requests[0]!;
    assert.equal(first.params.Target, 'Offer');
    assert.equal(first.params.Method, 'findAll');
    assert.equal(first.params.NetworkToken, tune.networkToken);
    assert.equal(first.params.api_key, undefined);
    assert.deepEqual(first.params.contain, { 0: 'Country', 1: 'OfferCategory', 2: 'Advertiser', TrackingLink: { affiliate_id: '2002' } });
  });

  for (const emptyAs of ['[]', '{}'] as const) {
    it(`reads an empty offer list sent as ${emptyAs}`, async () => {
      const saved = tune.offers;
      tune.offers = [];
      tune.emptyAs = emptyAs;
      try {
        const { pages, error } = await collect(affiliate().fetchOffers());
        assert.equal(error, undefined);
        assert.deepEqual(pages, [{ page: 1, pageCount: 0, offers: [], skipped: [] }] satisfies ImportedOfferPage[]);
        tune.ignorePaging = true;
        const unpaged = await collect(affiliate().fetchOffers());
        assert.deepEqual(unpaged.pages, [{ page: 1, pageCount: null, offers: [], skipped: [] }]);
        assert.deepEqual(await affiliate().testConnection(), { ok: true, offersVisible: 0, message: 'TUNE Affiliate API answered: 0 offers visible (Affiliate_Offer::findMyApprovedOffers)' });
      } finally {
        tune.offers = saved;
      }
    });
  }

  it('pulls the conversions report page by page with both click id candidates of the two-pass bridge', async () => {
    tune.conversions = [
      conversion(1),
      conversion(2, { 'Stat.conversion_status': 'rejected', 'Stat.payout': '3.60000', 'Stat.currency': 'EUR' }),
      conversion(3, { 'Stat.conversion_status': 'pending', 'Stat.affiliate_info1': '' }),
      conversion(4, { 'Stat.datetime': '2024-04-20 10:00:00' }), // outside the window
      conversion(5, { 'Stat.affiliate_id': '3003' }), // another affiliate's
      conversion(6, { 'Stat.datetime': '2024-05-02 23:30:00' }),
      conversion(7, { 'Stat.date': '2024-05-02', 'Stat.datetime': 'not a time' }),
    ];
    const connector = affiliate({ timeZone: 'America/New_York', pageSize: 2 });
    // 2024-05-01 04:00Z .. 2024-05-03 04:00Z is May 1st and 2nd in New York.
    const window = { from: new Date('2024-05-01T04:00:00Z'), to: new Date('2024-05-03T04:00:00Z') };
    const { pages, error } = await collect(connector.fetchConversions(window));
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.conversions.length]), [[1, 3, 2], [2, 3, 2], [3, 3, 0]]);
    const pulled = pages.flatMap((p) => p.conversions);
    assert.deepEqual(pulled.map((c) => c.externalId), ['9001', '9002', '9003', '9006']);

    const [first, declined, pending, late] = pulled as [PulledConversion, PulledConversion, PulledConversion, PulledConversion];
    assert.deepEqual(first.clickIdCandidates, [
      { source: 'Stat.ad_id', value: '10214043256817052076610001' },
      { source: 'aff_sub', value: 'clickid1' },
    ]);
    assert.equal(first.status, 'approved');
    assert.equal(first.partnerStatus, 'approved');
    assert.equal(first.payout, 2_000_000);
    assert.equal(first.currency, 'USD');
    assert.equal(first.at.toISOString(), '2024-05-01T15:00:00.000Z', '11:00 in New York (EDT)');
    assert.equal(first.offerExternalId, '532');
    assert.equal(first.transactionId, '10214043256817052076610001');
    assert.equal(declined.status, 'declined');
    assert.equal(declined.payout, 3_600_000);
    assert.equal(declined.currency, 'EUR');
    assert.equal(pending.status, 'pending');
    assert.deepEqual(pending.clickIdCandidates.map((c) => c.source), ['Stat.ad_id'], 'an empty aff_sub is no candidate');
    assert.equal(late.at.toISOString(), '2024-05-03T03:30:00.000Z');
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: '9007', reason: 'unreadable Stat.datetime "not a time"' }]);

    const request = tune.requests[0]!.params;
    assert.equal(request.Target, 'Affiliate_Report');
    assert.equal(request.Method, 'getConversions');
    assert.deepEqual(request.filters, { 'Stat.date': { conditional: 'BETWEEN', values: ['2024-05-01', '2024-05-02'] } });
    assert.equal(request.data_start, '2024-05-01');
    assert.equal(request.data_end, '2024-05-02');
    assert.deepEqual(request.fields, [
      'Stat.id',
      'Stat.datetime',
      'Stat.offer_id',
      'Stat.ad_id',
      'Stat.goal_id',
      'Stat.conversion_status',
      'Stat.payout',
      'Stat.currency',
      'Stat.affiliate_info1',
    ]);
  });

  it('reads the click id from the configured message-id field', async () => {
    tune.conversions = [conversion(1, { 'ConversionsMobile.affiliate_unique2': 'wp-click-1', 'Stat.affiliate_info1': 'something else' })];
    const { pages } = await collect(affiliate({ messageIdField: 'affiliate_unique2' }).fetchConversions({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }));
    assert.deepEqual(pages[0]!.conversions[0]!.clickIdCandidates, [
      { source: 'Stat.ad_id', value: '10214043256817052076610001' },
      { source: 'affiliate_unique2', value: 'wp-click-1' },
    ]);
    assert.ok((tune.requests[0]!.params.fields as string[]).includes('ConversionsMobile.affiliate_unique2'));
  });

  it('pulls conversions through the Network API with NetworkToken, TUNE event ids and the affiliate filter', async () => {
    tune.conversions = [conversion(1), conversion(2, { 'Stat.affiliate_id': '3003' })];
    const { pages, error } = await collect(network().fetchConversions({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }));
    assert.equal(error, undefined);
    assert.deepEqual(pages.flatMap((p) => p.conversions.map((c) => c.externalId)), ['evt-1']);
    const request = tune.requests[0]!.params;
    assert.equal(request.Target, 'Report');
    assert.equal(request.NetworkToken, tune.networkToken);
    assert.equal(request.api_key, undefined);
    assert.ok((request.fields as string[]).includes('Stat.tune_event_id'));
    assert.deepEqual((request.filters as Record<string, unknown>)['Stat.affiliate_id'], { conditional: 'EQUAL_TO', values: ['2002'] });
  });

  it('reports what it saw on test connection: offers visible, or TUNE’s own message for a bad key', async () => {
    assert.deepEqual(await affiliate().testConnection(), { ok: true, offersVisible: 7, message: 'TUNE Affiliate API answered: 7 offers visible (Affiliate_Offer::findMyApprovedOffers)' });
    assert.deepEqual(await network().testConnection(), { ok: true, offersVisible: 8, message: 'TUNE Network API answered: 8 offers visible (Offer::findAll)' });

    assert.deepEqual(await affiliate({ apiKey: 'wrong-key' }).testConnection(), { ok: false, message: 'API key is invalid.', retryable: false });
    assert.deepEqual(await network({ apiKey: 'wrong-token' }).testConnection(), { ok: false, message: 'Invalid NetworkToken.', retryable: false });
    // A bad key is not retried: one request each.
    assert.equal(tune.requests.length, 4);
  });

  it('fails a fetch with a bad key as a ConnectorError carrying TUNE’s message and never the key', async () => {
    const { pages, error } = await collect(affiliate({ apiKey: 'secret-wrong-key' }).fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.partnerMessage, 'API key is invalid.');
    assert.equal(error.retryable, false);
    assert.equal(error.message, 'TUNE Affiliate_Offer::findMyApprovedOffers refused: API key is invalid.');
    assert.ok(!JSON.stringify({ message: error.message, partnerMessage: error.partnerMessage }).includes('secret-wrong-key'));
  });

  it('backs off after a 429 and then completes', async () => {
    tune.throttleNext(1, 429, 0);
    const { pages, error } = await collect(affiliate().fetchOffers());
    assert.equal(error, undefined);
    assert.equal(pages.flatMap((p) => p.offers).length, 6);
    assert.equal(tune.requests.length, 4, 'three pages and one throttled try');
    assert.deepEqual(tune.requests.map((r) => r.params.page), ['1', '1', '2', '3']);
  });

  it('backs off after 504s on a heavy report and then completes', async () => {
    tune.conversions = [conversion(1), conversion(2)];
    tune.throttleNext(2, 504);
    const { pages, error } = await collect(affiliate().fetchConversions({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }));
    assert.equal(error, undefined);
    assert.equal(pages[0]!.conversions.length, 2);
    assert.equal(tune.requests.length, 3);
  });

  it('gives up after a bounded number of tries when TUNE keeps throttling, saying a later retry may help', async () => {
    tune.throttleNext(10, 429);
    const { pages, error } = await collect(affiliate().fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.retryable, true);
    assert.equal(error.httpStatus, 429);
    assert.match(error.message, /HTTP 429 .*gave up after 3 tries/);
    assert.equal(tune.requests.length, 3);
  });

  it('surfaces a failure on page 3 as an error after pages 1 and 2, never as a complete fetch', async () => {
    tune.failPage(3);
    const offers = await collect(affiliate().fetchOffers());
    assert.deepEqual(offers.pages.map((p) => p.page), [1, 2]);
    assert.ok(offers.error instanceof ConnectorError);
    assert.equal(offers.error.httpStatus, 500);
    assert.equal(offers.error.retryable, true);
    assert.match(offers.error.message, /HTTP 500/);

    tune.reset();
    tune.conversions = [1, 2, 3, 4, 5].map((n) => conversion(n));
    tune.failPage(3, { kind: 'envelope', message: 'Report is temporarily unavailable.' });
    const report = await collect(affiliate({ pageSize: 2 }).fetchConversions({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }));
    assert.deepEqual(report.pages.map((p) => p.page), [1, 2]);
    assert.ok(report.error instanceof ConnectorError);
    assert.equal(report.error.partnerMessage, 'Report is temporarily unavailable.');
  });

  it('refuses a loopback API URL unless the host is allowed, through the outbound guard', async () => {
    const strict = createTuneConnector({ api: 'affiliate', networkId: 'acme', apiKey: tune.affiliateKey, baseUrl: tune.url }, { guard: createOutboundUrlGuard(), baseDelayMs: 5 });
    const check = await strict.testConnection();
    assert.equal(check.ok, false);
    assert.match(check.message, /refused: 127\.0\.0\.1 is a loopback address/);
    assert.equal(tune.requests.length, 0);
  });

  it('sends NetworkId only to the generic API host', async () => {
    await affiliate().testConnection();
    assert.equal(tune.requests[0]!.params.NetworkId, 'acme', 'the fake stands on a host that does not name the network');
    await affiliate({ networkId: 'other' }).testConnection().then((check) => assert.deepEqual(check, { ok: false, message: 'Network "other" does not exist.', retryable: false }));
  });
});
