import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError, type PartnerConnector, type PulledConversion } from '../../src/integrations/connector.js';
import { createEverflowConnector } from '../../src/integrations/everflow/everflow-connector.js';
import type { EverflowSettingsInput } from '../../src/integrations/everflow/everflow-settings.js';
import type { EverflowClientOptions } from '../../src/integrations/everflow/client.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { startFakeEverflowServer, type FakeEverflowConversion, type FakeEverflowOffer, type FakeEverflowServer } from '../fakes/everflow-server.js';
import { collect, loopbackGuard as guard } from './connector-test-support.js';

const WRONG_KEY = 'ef-wrong-key-must-never-leak';

function offer(id: number, fields: Record<string, unknown> = {}, relationship: Record<string, unknown> = {}): FakeEverflowOffer {
  return {
    network_offer_id: id,
    network_id: 1,
    name: `Offer ${id}`,
    offer_status: 'active',
    currency_id: 'USD',
    visibility: 'public',
    preview_url: `https://brand.example/lp/${id}`,
    tracking_url: `https://www.trk.example/ABCD${id}/EFGH34/`,
    impression_tracking_url: '',
    html_description: '',
    network_category_id: 3,
    is_caps_enabled: false,
    daily_conversion_cap: 0,
    time_created: 1709500000,
    time_saved: 1709500000,
    ...fields,
    relationship: {
      offer_affiliate_status: 'approved',
      category: { network_category_id: 3, name: 'Health' },
      payouts: { total: 1, entries: [{ payout_type: 'cpa', payout_amount: 35.0, payout_percentage: 0, entry_name: 'Base' }] },
      ...relationship,
    },
  };
}

const WINDOW = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
const AT = (iso: string) => Date.parse(iso) / 1000;

function conversion(n: number, fields: Record<string, unknown> = {}): FakeEverflowConversion {
  return {
    conversion_id: `c${n}`,
    transaction_id: `tx${n}`,
    conversion_unix_timestamp: AT(`2026-03-01T${String(n).padStart(2, '0')}:15:00Z`),
    click_unix_timestamp: AT(`2026-03-01T${String(n).padStart(2, '0')}:00:00Z`),
    status: 'approved',
    payout: 12.5,
    revenue: 0,
    payout_type: 'cpa',
    currency_id: 'USD',
    sale_amount: 0,
    event: 'Base',
    is_event: false,
    source_id: 'zone-7',
    sub1: `wpclick${n}`,
    sub2: '',
    sub3: null,
    sub4: '',
    sub5: '',
    relationship: { offer: { network_offer_id: 42, name: 'Keto Trial US' } },
    ...fields,
  };
}

describe('Everflow connector against the fake Everflow server', () => {
  let everflow: FakeEverflowServer;
  let connect: (overrides?: Partial<EverflowSettingsInput>, http?: Partial<EverflowClientOptions>) => PartnerConnector;

  before(async () => {
    everflow = await startFakeEverflowServer({
      offers: [
        offer(
          42,
          { name: 'Keto Trial US', visibility: 'require_approval', html_description: '<p>No incent</p>', is_caps_enabled: true, daily_conversion_cap: 25, monthly_payout_cap: 1000, global_click_cap: 0, impression_tracking_url: 'https://www.trk.example/i/42' },
          { ruleset: { countries: [{ country_code: 'US', targeting_type: 'include' }, { country_code: 'ca', targeting_type: 'include' }, { country_code: 'FR', targeting_type: 'exclude' }] } },
        ),
        offer(43, { currency_id: 'eur', preview_url: '' }, { category: undefined, payouts: { total: 1, entries: [{ payout_type: 'cps', payout_amount: 0, payout_percentage: 30, entry_name: 'Base' }] } }),
        offer(44, { offer_status: 'paused' }, { payouts: { total: 1, entries: [{ payout_type: 'cpc', payout_amount: 0.12, payout_percentage: 0 }] } }),
        offer(45, { name: '' }),
        offer(46, {}, {
          payouts: {
            total: 2,
            entries: [
              { payout_type: 'cpa', payout_amount: 5, payout_percentage: 0, entry_name: 'Upsell' },
              { payout_type: 'cpa_cps', payout_amount: 10, payout_percentage: 5, entry_name: 'Base' },
            ],
          },
        }),
        offer(47, { is_caps_enabled: false, daily_conversion_cap: 10 }, { payouts: { total: 0, entries: [] } }),
        offer(48, { offer_status: 'pending', tracking_url: 'not a url' }),
      ],
    });
    connect = (overrides = {}, http = {}) =>
      createEverflowConnector({ apiKey: everflow.apiKey, baseUrl: everflow.url, pageSize: 3, ...overrides }, { guard, baseDelayMs: 5, attempts: 3, ...http });
  });
  after(() => everflow.close());
  beforeEach(() => {
    everflow.reset();
    everflow.conversions = [];
  });

  it('reads runnable offers over several pages with the key in the X-Eflow-API-Key header only', async () => {
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.offers.length + p.skipped.length]), [[1, 3, 3], [2, 3, 3], [3, 3, 1]]);
    const offers = pages.flatMap((p) => p.offers);
    assert.deepEqual(offers.map((o) => o.externalId), ['42', '43', '44', '46', '47', '48']);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: '45', reason: 'the offer has no name' }]);

    const keto = offers[0]!;
    assert.equal(keto.name, 'Keto Trial US');
    assert.equal(keto.trackingUrl, 'https://www.trk.example/ABCD42/EFGH34/');
    assert.equal(keto.destinationUrl, null, 'the affiliate API does not show the landing page');
    assert.equal(keto.previewUrl, 'https://brand.example/lp/42');
    assert.equal(keto.impressionUrl, 'https://www.trk.example/i/42');
    assert.deepEqual(keto.payout, { kind: 'fixed', model: 'cpa', amount: 35_000_000, percent: null, partnerType: 'cpa' });
    assert.equal(keto.currency, 'USD');
    assert.equal(keto.advertiser, null);
    assert.equal(keto.status, 'active');
    assert.equal(keto.partnerStatus, 'active');
    assert.deepEqual(keto.countries, ['CA', 'US'], 'an excluded country is not targeting');
    assert.deepEqual(keto.categories, ['Health']);
    assert.equal(keto.description, '<p>No incent</p>');
    assert.equal(keto.requiresApproval, true);
    assert.deepEqual(keto.caps, [
      { metric: 'conversions', period: 'daily', limit: 25 },
      { metric: 'payout', period: 'monthly', limit: 1_000_000_000 },
    ]);

    const share = offers[1]!;
    assert.deepEqual(share.payout, { kind: 'percent', model: 'cps', amount: null, percent: 30, partnerType: 'cps' });
    assert.equal(share.currency, 'EUR');
    assert.equal(share.previewUrl, null);
    assert.equal(share.requiresApproval, false);
    assert.deepEqual(share.categories, []);
    assert.deepEqual(share.countries, []);
    assert.equal(offers[2]!.status, 'paused');
    assert.deepEqual(offers[2]!.payout, { kind: 'fixed', model: 'cpc', amount: 120_000, percent: null, partnerType: 'cpc' });
    assert.deepEqual(offers[3]!.payout, { kind: 'fixed_and_percent', model: 'cps', amount: 10_000_000, percent: 5, partnerType: 'cpa_cps' }, 'the Base entry, not the first');
    assert.deepEqual(offers[4]!.payout, { kind: 'fixed', model: 'other', amount: null, percent: null, partnerType: null });
    assert.deepEqual(offers[4]!.caps, [], 'caps switched off are no caps');
    assert.equal(offers[5]!.status, 'pending');
    assert.equal(offers[5]!.trackingUrl, null);

    assert.deepEqual(everflow.requests.map((r) => [r.method, r.path, r.query.page, r.query.page_size]), [
      ['GET', 'offersrunnable', '1', '3'],
      ['GET', 'offersrunnable', '2', '3'],
      ['GET', 'offersrunnable', '3', '3'],
    ]);
    for (const request of everflow.requests) {
      assert.equal(request.apiKey, everflow.apiKey);
      assert.ok(!JSON.stringify(request.query).includes(everflow.apiKey), 'the key never travels in the URL');
    }
  });

  it('follows the page size Everflow answers when it caps the one asked', async () => {
    everflow.maxPageSize = 2;
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
    assert.equal(pages.flatMap((p) => p.offers).length, 6);
  });

  it('takes a list without paging block as everything at once', async () => {
    everflow.omitPaging = true;
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.offers.length]), [[1, null, 6]]);
    assert.equal(everflow.requests.length, 1);
  });

  it('reads an empty offer list as one empty page', async () => {
    const saved = everflow.offers;
    everflow.offers = [];
    try {
      const { pages, error } = await collect(connect().fetchOffers());
      assert.equal(error, undefined);
      assert.deepEqual(pages, [{ page: 1, pageCount: 0, offers: [], skipped: [] }]);
      assert.deepEqual(await connect().testConnection(), { ok: true, offersVisible: 0, message: 'Everflow affiliate API answered: 0 runnable offers' });
    } finally {
      everflow.offers = saved;
    }
  });

  it('pulls conversions over several pages in UTC, with the configured sub field as the first click id candidate', async () => {
    everflow.conversions = [
      conversion(1),
      conversion(2, { status: 'pending', sub1: '', sub3: 'wpclick2-in-sub3' }),
      conversion(3, { status: 'rejected', payout: 0, currency_id: 'eur' }),
      conversion(4, { is_event: true, event: 'Upsell', payout: '3.50' }),
      conversion(5, { sub1: 'wpclick5', sub2: 'wpclick5' }),
      conversion(6, { conversion_id: null }),
      conversion(7, { conversion_unix_timestamp: AT('2026-02-28T23:59:59Z') }), // before the window
      conversion(8, { conversion_unix_timestamp: AT('2026-03-02T00:00:00Z') }), // at `to`, which the window excludes
    ];
    const { pages, error } = await collect(connect({ pageSize: 2 }).fetchConversions(WINDOW));
    assert.equal(error, undefined);
    // Everflow counts the row at `to` (its `to` is inclusive here); the connector drops it.
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
    const pulled = pages.flatMap((p) => p.conversions);
    assert.deepEqual(pulled.map((c) => c.externalId).sort(), ['c1', 'c2', 'c3', 'c4', 'c5']);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: null, reason: 'the row has no conversion_id' }]);

    const byId = new Map(pulled.map((c) => [c.externalId, c] as const));
    const first = byId.get('c1')!;
    assert.deepEqual(first, {
      externalId: 'c1',
      clickIdCandidates: [{ source: 'sub1', value: 'wpclick1' }],
      status: 'approved',
      partnerStatus: 'approved',
      payout: 12_500_000,
      currency: 'USD',
      at: new Date('2026-03-01T01:15:00Z'),
      offerExternalId: '42',
      transactionId: 'tx1',
    } satisfies PulledConversion);
    assert.deepEqual(byId.get('c2')!.clickIdCandidates, [{ source: 'sub3', value: 'wpclick2-in-sub3' }], 'another sub still names the click');
    assert.equal(byId.get('c2')!.status, 'pending');
    assert.equal(byId.get('c3')!.status, 'declined');
    assert.equal(byId.get('c3')!.currency, 'EUR');
    assert.equal(byId.get('c4')!.payout, 3_500_000);
    assert.deepEqual(byId.get('c5')!.clickIdCandidates, [{ source: 'sub1', value: 'wpclick5' }], 'one value is one candidate');

    const request = everflow.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, 'reporting/conversions');
    assert.equal(request.apiKey, everflow.apiKey);
    assert.deepEqual([request.query.page, request.query.page_size], ['1', '2']);
    assert.deepEqual(request.body, {
      from: '2026-03-01 00:00:00',
      to: '2026-03-02 00:00:00',
      timezone_id: 67,
      show_conversions: true,
      show_events: true,
      query: { filters: [] },
      page: 1,
      page_size: 2,
    });
  });

  it('puts the configured click id field first', async () => {
    everflow.conversions = [conversion(1, { sub3: 'wp-click-in-sub3' })];
    const { pages } = await collect(connect({ clickIdField: 'sub3' }).fetchConversions(WINDOW));
    assert.deepEqual(pages[0]!.conversions[0]!.clickIdCandidates, [
      { source: 'sub3', value: 'wp-click-in-sub3' },
      { source: 'sub1', value: 'wpclick1' },
    ]);
  });

  it('reports what it saw on test connection: runnable offers, or Everflow’s own message for a bad key', async () => {
    assert.deepEqual(await connect().testConnection(), { ok: true, offersVisible: 7, message: 'Everflow affiliate API answered: 7 runnable offers' });
    assert.deepEqual(everflow.requests[0]!.query, { page: '1', page_size: '1' });
    assert.deepEqual(await connect({ apiKey: WRONG_KEY }).testConnection(), { ok: false, message: 'Invalid API Key', retryable: false });
    assert.equal(everflow.requests.length, 2, 'a bad key is not retried');
  });

  it('fails a fetch with a bad key as a ConnectorError carrying Everflow’s message and never the key', async () => {
    everflow.invalidKeyMessage = 'Unauthorized: API key not recognised';
    const { pages, error } = await collect(connect({ apiKey: WRONG_KEY }).fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.partner, 'everflow');
    assert.equal(error.partnerMessage, 'Unauthorized: API key not recognised');
    assert.equal(error.httpStatus, 401);
    assert.equal(error.retryable, false);
    assert.equal(error.message, 'Everflow GET offersrunnable page 1 answered HTTP 401: Unauthorized: API key not recognised');
    assert.ok(!`${error.message} ${error.partnerMessage} ${error.stack}`.includes(WRONG_KEY));
    assert.equal(everflow.requests.length, 1);
  });

  it('backs off after 429s with rate-limit headers and then completes', async () => {
    everflow.throttleNext(2, 0);
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.equal(pages.flatMap((p) => p.offers).length, 6);
    assert.deepEqual(everflow.requests.map((r) => [r.query.page, r.status]), [['1', 429], ['1', 429], ['1', 200], ['2', 200], ['3', 200]]);
  });

  it('waits out a real rate-limit window instead of failing the pull', async () => {
    everflow.rateLimit = { limit: 2, windowMs: 250 };
    everflow.conversions = [1, 2, 3, 4, 5].map((n) => conversion(n));
    const { pages, error } = await collect(connect({ pageSize: 1 }, { baseDelayMs: 40, attempts: 6 }).fetchConversions(WINDOW));
    assert.equal(error, undefined);
    assert.equal(pages.flatMap((p) => p.conversions).length, 5);
    assert.ok(everflow.requests.some((r) => r.status === 429), 'the limit was hit');
    assert.deepEqual(everflow.requests.filter((r) => r.status === 200).map((r) => r.query.page), ['1', '2', '3', '4', '5']);
  });

  it('honours Retry-After when Everflow sends one', async () => {
    everflow.throttleNext(1, 1);
    const started = Date.now();
    const check = await connect().testConnection();
    assert.equal(check.ok, true);
    assert.ok(Date.now() - started >= 950, 'waited the second Everflow asked for');
  });

  it('gives up after a bounded number of tries while throttled, saying so and that a later run may succeed', async () => {
    everflow.throttleNext(10);
    const { pages, error } = await collect(connect({ apiKey: everflow.apiKey }).fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.retryable, true);
    assert.equal(error.httpStatus, 429);
    assert.equal(error.partnerMessage, 'Too many requests');
    assert.match(error.message, /^Everflow GET offersrunnable page 1 answered HTTP 429 \(rate limited: 0 of 150 requests left in the 30 s window.*\) — gave up after 3 tries$/);
    assert.ok(!error.message.includes(everflow.apiKey));
    assert.equal(everflow.requests.length, 3);
  });

  it('surfaces a failure on page 3 as an error after pages 1 and 2, never as a complete fetch', async () => {
    everflow.failPage(3);
    const offers = await collect(connect().fetchOffers());
    assert.deepEqual(offers.pages.map((p) => p.page), [1, 2]);
    assert.ok(offers.error instanceof ConnectorError);
    assert.equal(offers.error.httpStatus, 500);
    assert.equal(offers.error.retryable, true);
    assert.equal(offers.error.partnerMessage, 'Internal Server Error');
    assert.equal(offers.error.message, 'Everflow GET offersrunnable page 3 answered HTTP 500: Internal Server Error — gave up after 3 tries');
    assert.ok(!offers.error.message.includes(everflow.apiKey));

    everflow.reset();
    everflow.conversions = [1, 2, 3, 4, 5].map((n) => conversion(n));
    everflow.failPage(3, { status: 400, body: JSON.stringify({ error: 'Invalid filter' }) });
    const report = await collect(connect({ pageSize: 2 }).fetchConversions(WINDOW));
    assert.deepEqual(report.pages.map((p) => p.page), [1, 2]);
    assert.ok(report.error instanceof ConnectorError);
    assert.equal(report.error.partnerMessage, 'Invalid filter');
    assert.equal(report.error.retryable, false);
    assert.equal(everflow.requests.length, 3, 'a 400 is not retried');
  });

  it('passes Everflow’s refusal of a window beyond its 365 days on as the partner’s message', async () => {
    everflow.now = () => Date.parse('2027-06-01T00:00:00Z');
    const { pages, error } = await collect(connect().fetchConversions(WINDOW));
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.httpStatus, 400);
    assert.equal(error.partnerMessage, 'The date range must be within the last 365 days');
  });

  it('refuses a loopback API URL unless the host is allowed, through the outbound guard', async () => {
    const strict = createEverflowConnector({ apiKey: everflow.apiKey, baseUrl: everflow.url }, { guard: createOutboundUrlGuard(), baseDelayMs: 5 });
    const check = await strict.testConnection();
    assert.equal(check.ok, false);
    assert.match(check.message, /^Everflow API URL refused: 127\.0\.0\.1 is a loopback address/);
    assert.equal(everflow.requests.length, 0);
  });

  it('refuses a key that cannot travel in a header before any call', () => {
    assert.throws(() => createEverflowConnector({ apiKey: 'two words', baseUrl: everflow.url }, { guard }), /printable characters/);
  });
});
