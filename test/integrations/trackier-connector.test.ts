import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError, type PartnerConnector, type PulledConversion } from '../../src/integrations/connector.js';
import type { TrackierClientOptions } from '../../src/integrations/trackier/client.js';
import { createTrackierConnector } from '../../src/integrations/trackier/trackier-connector.js';
import type { TrackierSettingsInput } from '../../src/integrations/trackier/trackier-settings.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { startFakeTrackierServer, type FakeTrackierCampaign, type FakeTrackierConversion, type FakeTrackierServer } from '../fakes/trackier-server.js';
import { collect, loopbackGuard as guard } from './connector-test-support.js';

const WRONG_KEY = 'trk-wrong-key-must-never-leak';

function campaign(id: number, fields: Record<string, unknown> = {}): FakeTrackierCampaign {
  return {
    id,
    title: `Campaign ${id}`,
    description: null,
    currency: 'USD',
    preview_url: `https://play.google.com/store/apps/details?id=app${id}`,
    model: 'cpa',
    device: ['mobile'],
    os: ['android'],
    tracking_link: `https://trk.trackier.example/5acdef${id}?p1={your-transaction-id}&source={your-sub-aff-id}`,
    countries: ['US'],
    defaultGoal: 'Install',
    payouts: [{ payout: 2, geo: ['US'] }],
    goals: [],
    cap: { type: 'conversion', daily: 0, monthly: 0, lifetime: 0 },
    ...fields,
  };
}

// 250 campaigns: three pages of 100; the first ones carry the shapes under test.
const CAMPAIGNS: FakeTrackierCampaign[] = [
  campaign(18, {
    title: 'AppAttribution CPI-Incent',
    model: 'cpi',
    countries: ['us', 'IN'],
    payouts: [{ payout: 1.87, geo: ['US'] }, { payout: 0.4, geo: ['IN'] }],
    cap: { type: 'conversion', daily: 0, monthly: 928, lifetime: 0 },
    description: 'No incent traffic',
  }),
  campaign(19, { model: 'cps', payouts: [{ payout: 12.5, geo: [] }], currency: undefined, countries: [] }),
  campaign(20, { title: '' }),
  campaign(21, { status: 'paused', model: 'cpc', payouts: [{ payout: 0.05, geo: ['US'] }], tracking_link: 'not a link' }),
  ...Array.from({ length: 246 }, (_, n) => campaign(100 + n)),
];

const WINDOW = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };

function conversion(n: number, fields: Record<string, unknown> = {}): FakeTrackierConversion {
  const minute = String(n % 60).padStart(2, '0');
  const hour = String(Math.floor(n / 60) % 24).padStart(2, '0');
  return {
    _id: `64f0c0de${n}`,
    click_id: `trk-click-${n}`,
    source: 'zone-9',
    p1: `wpclick${n}`,
    p2: '',
    goal_id: '5cebd00db6920d7e89622ccf',
    goal_name: 'Install',
    txn_id: `txn-${n}`,
    currency: 'USD',
    payout: 1.5,
    country: 'US',
    device: 'mobile',
    os: 'android',
    browser: 'chrome',
    created: `2026-03-01T${hour}:${minute}:00.000Z`,
    status: 'approved',
    campaign_id: 18,
    campaign_name: 'AppAttribution CPI-Incent',
    external_offer_id: null,
    ...fields,
  };
}

describe('Trackier connector against the fake Trackier server', () => {
  let trackier: FakeTrackierServer;
  let connect: (overrides?: Partial<TrackierSettingsInput>, http?: Partial<TrackierClientOptions>) => PartnerConnector;

  before(async () => {
    trackier = await startFakeTrackierServer({ campaigns: CAMPAIGNS });
    connect = (overrides = {}, http = {}) =>
      createTrackierConnector({ apiKey: trackier.apiKey, baseUrl: trackier.url, pageSize: 100, ...overrides }, { guard, baseDelayMs: 5, attempts: 3, ...http });
  });
  after(() => trackier.close());
  beforeEach(() => {
    trackier.reset();
    trackier.conversions = [];
  });

  it('reads campaigns over three pages, the key in the X-Api-Key header only, mapped field by field', async () => {
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.offers.length + p.skipped.length]), [[1, 3, 100], [2, 3, 100], [3, 3, 50]]);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: '20', reason: 'the campaign has no title' }]);
    const offers = pages.flatMap((p) => p.offers);
    assert.equal(offers.length, 249);
    assert.equal(new Set(offers.map((o) => o.externalId)).size, 249, 'no campaign twice');

    const [cpi, cps, cpc] = offers;
    assert.deepEqual(cpi, {
      externalId: '18',
      name: 'AppAttribution CPI-Incent',
      trackingUrl: 'https://trk.trackier.example/5acdef18?p1={your-transaction-id}&source={your-sub-aff-id}',
      destinationUrl: null,
      previewUrl: 'https://play.google.com/store/apps/details?id=app18',
      impressionUrl: null,
      payout: { kind: 'fixed', model: 'cpi', amount: 1_870_000, percent: null, partnerType: 'cpi' },
      currency: 'USD',
      advertiser: null,
      status: 'active',
      partnerStatus: null,
      countries: ['IN', 'US'],
      categories: [],
      description: 'No incent traffic',
      requiresApproval: null,
      caps: [{ metric: 'conversions', period: 'monthly', limit: 928 }],
    });
    assert.deepEqual(cps!.payout, { kind: 'percent', model: 'cps', amount: null, percent: 12.5, partnerType: 'cps' }, 'a cps payout is a percentage');
    assert.equal(cps!.currency, 'USD', 'a missing currency means USD');
    assert.deepEqual(cps!.countries, []);
    assert.equal(cpc!.status, 'paused');
    assert.equal(cpc!.trackingUrl, null);
    assert.deepEqual(cpc!.payout, { kind: 'fixed', model: 'cpc', amount: 50_000, percent: null, partnerType: 'cpc' });

    assert.deepEqual(trackier.requests.map((r) => [r.path, r.query.page, r.query.limit]), [
      ['/v2/publisher/campaigns', '1', '100'],
      ['/v2/publisher/campaigns', '2', '100'],
      ['/v2/publisher/campaigns', '3', '100'],
    ]);
    for (const request of trackier.requests) {
      assert.equal(request.apiKey, trackier.apiKey);
      assert.ok(!JSON.stringify(request.query).includes(trackier.apiKey), 'the key never travels in the URL');
    }
  });

  it('reads the same campaigns when every number comes as a string', async () => {
    const plain = (await collect(connect().fetchOffers())).pages.flatMap((p) => p.offers);
    trackier.numbersAsStrings = true;
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => p.pageCount), [3, 3, 3]);
    assert.deepEqual(pages.flatMap((p) => p.offers), plain);
  });

  it('pulls conversions over several pages for the window’s days, the configured p field first', async () => {
    trackier.conversions = [
      ...Array.from({ length: 230 }, (_, n) => conversion(n)),
      conversion(230, { status: 'pending', p1: '', p3: 'wpclick230-in-p3' }),
      conversion(231, { status: 'cancelled', payout: '0', currency: 'eur' }),
      conversion(232, { status: 'rejected' }),
      conversion(233, { _id: null }),
      conversion(234, { created: 'yesterday' }),
      conversion(235, { created: '2026-02-28T23:59:59.000Z' }), // another day: not asked for
    ];
    const { pages, error } = await collect(connect().fetchConversions(WINDOW));
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, 3], [2, 3], [3, 3]]);
    const pulled = pages.flatMap((p) => p.conversions);
    assert.equal(pulled.length, 233);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [
      { externalId: null, reason: 'the row has no _id' },
      { externalId: '64f0c0de234', reason: 'unreadable created "yesterday"' },
    ]);
    const byId = new Map(pulled.map((c) => [c.externalId, c] as const));
    assert.deepEqual(byId.get('64f0c0de61'), {
      externalId: '64f0c0de61',
      clickIdCandidates: [{ source: 'p1', value: 'wpclick61' }],
      status: 'approved',
      partnerStatus: 'approved',
      payout: 1_500_000,
      currency: 'USD',
      at: new Date('2026-03-01T01:01:00.000Z'),
      offerExternalId: '18',
      transactionId: 'txn-61',
    } satisfies PulledConversion);
    assert.deepEqual(byId.get('64f0c0de230')!.clickIdCandidates, [{ source: 'p3', value: 'wpclick230-in-p3' }], 'another p field still names the click');
    assert.equal(byId.get('64f0c0de230')!.status, 'pending');
    assert.equal(byId.get('64f0c0de231')!.status, 'declined');
    assert.equal(byId.get('64f0c0de231')!.currency, 'EUR');
    assert.equal(byId.get('64f0c0de232')!.status, 'declined');

    assert.deepEqual(trackier.requests.map((r) => [r.path, r.query.start, r.query.end, r.query.page, r.query.limit]), [
      ['/v2/publishers/conversions', '2026-03-01', '2026-03-01', '1', '100'],
      ['/v2/publishers/conversions', '2026-03-01', '2026-03-01', '2', '100'],
      ['/v2/publishers/conversions', '2026-03-01', '2026-03-01', '3', '100'],
    ]);
  });

  it('asks for the days of the configured time zone and keeps only rows inside the window', async () => {
    trackier.conversions = [
      conversion(1, { created: '2026-03-01T04:59:59.000Z' }),
      conversion(2, { created: '2026-03-01T05:00:00.000Z' }),
      conversion(3, { created: '2026-03-02T04:59:59.000Z' }),
      conversion(4, { created: '2026-03-02T05:00:00.000Z' }),
    ];
    trackier.timeZone = 'America/New_York';
    const window = { from: new Date('2026-03-01T05:00:00Z'), to: new Date('2026-03-02T05:00:00Z') };
    const { pages } = await collect(connect({ timeZone: 'America/New_York' }).fetchConversions(window));
    assert.deepEqual([trackier.requests[0]!.query.start, trackier.requests[0]!.query.end], ['2026-03-01', '2026-03-01']);
    assert.deepEqual(pages.flatMap((p) => p.conversions).map((c) => c.externalId), ['64f0c0de2', '64f0c0de3']);
  });

  it('puts the configured click id field first and takes source only when configured', async () => {
    trackier.conversions = [conversion(1, { p2: 'wp-click-in-p2' })];
    const { pages } = await collect(connect({ clickIdField: 'p2' }).fetchConversions(WINDOW));
    assert.deepEqual(pages[0]!.conversions[0]!.clickIdCandidates, [
      { source: 'p2', value: 'wp-click-in-p2' },
      { source: 'p1', value: 'wpclick1' },
    ]);
    const bySource = await collect(connect({ clickIdField: 'source' }).fetchConversions(WINDOW));
    assert.deepEqual(bySource.pages[0]!.conversions[0]!.clickIdCandidates[0], { source: 'source', value: 'zone-9' });
  });

  it('reports what it saw on test connection: campaigns visible, or Trackier’s own message for a bad key', async () => {
    assert.deepEqual(await connect().testConnection(), { ok: true, offersVisible: 250, message: 'Trackier publisher API answered: 250 campaigns visible' });
    assert.deepEqual(trackier.requests[0]!.query, { page: '1', limit: '1' });
    assert.deepEqual(await connect({ apiKey: WRONG_KEY }).testConnection(), {
      ok: false,
      message: 'API Key supplied with the request is invalid. Please check your API Key',
      retryable: false,
    });
    assert.equal(trackier.requests.length, 2, 'a bad key is not retried');
  });

  it('fails a conversion pull with a bad key as a ConnectorError carrying Trackier’s message and never the key', async () => {
    const { pages, error } = await collect(connect({ apiKey: WRONG_KEY }).fetchConversions(WINDOW));
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.partner, 'trackier');
    assert.equal(error.partnerMessage, 'Invalid API Key');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.retryable, false);
    assert.equal(error.message, 'Trackier GET conversions page 1 answered HTTP 400: Invalid API Key');
    assert.ok(!`${error.message} ${error.partnerMessage} ${error.stack}`.includes(WRONG_KEY));
  });

  it('takes a refusal inside HTTP 200 as a refusal', async () => {
    trackier.failPage(1, { status: 200, body: JSON.stringify({ success: false, error: { code: 7, message: 'Publisher account is disabled' } }) });
    const { pages, error } = await collect(connect().fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.partnerMessage, 'Publisher account is disabled');
    assert.equal(error.message, 'Trackier GET campaigns page 1 refused: Publisher account is disabled');
    assert.equal(trackier.requests.length, 1);
  });

  it('backs off after 429s and then completes', async () => {
    trackier.throttleNext(2, 0);
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.equal(pages.flatMap((p) => p.offers).length, 249);
    assert.deepEqual(trackier.requests.map((r) => [r.query.page, r.status]), [['1', 429], ['1', 429], ['1', 200], ['2', 200], ['3', 200]]);
  });

  it('surfaces a failure on page 3 as an error after pages 1 and 2, never as a complete fetch', async () => {
    trackier.failPage(3);
    const offers = await collect(connect().fetchOffers());
    assert.deepEqual(offers.pages.map((p) => p.page), [1, 2]);
    assert.ok(offers.error instanceof ConnectorError);
    assert.equal(offers.error.httpStatus, 500);
    assert.equal(offers.error.retryable, true);
    assert.equal(offers.error.partnerMessage, 'Internal Server Error');
    assert.equal(offers.error.message, 'Trackier GET campaigns page 3 answered HTTP 500: Internal Server Error — gave up after 3 tries');
    assert.ok(!offers.error.message.includes(trackier.apiKey));

    trackier.reset();
    trackier.conversions = Array.from({ length: 250 }, (_, n) => conversion(n));
    trackier.failPage(3, { status: 400, body: JSON.stringify({ success: false, error: { code: 21, message: 'Invalid date range' } }) });
    const report = await collect(connect().fetchConversions(WINDOW));
    assert.deepEqual(report.pages.map((p) => p.page), [1, 2]);
    assert.ok(report.error instanceof ConnectorError);
    assert.equal(report.error.partnerMessage, 'Invalid date range');
    assert.equal(report.error.retryable, false);
    assert.equal(trackier.requests.length, 3, 'a 400 is not retried');
  });

  it('refuses a loopback API URL unless the host is allowed, through the outbound guard', async () => {
    const strict = createTrackierConnector({ apiKey: trackier.apiKey, baseUrl: trackier.url }, { guard: createOutboundUrlGuard(), baseDelayMs: 5 });
    const check = await strict.testConnection();
    assert.equal(check.ok, false);
    assert.match(check.message, /^Trackier API URL refused: 127\.0\.0\.1 is a loopback address/);
    assert.equal(trackier.requests.length, 0);
  });

  it('refuses a page size the conversions report would refuse, before any call', () => {
    assert.throws(() => createTrackierConnector({ apiKey: trackier.apiKey, pageSize: 50 }, { guard }), /100/);
  });
});
