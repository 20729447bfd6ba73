import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, type PartnerConnector, type PulledConversion } from '../../src/integrations/connector.js';
import { createCakeConnector } from '../../src/integrations/cake/cake-connector.js';
import type { CakeSettingsInput } from '../../src/integrations/cake/cake-settings.js';
import type { CakeClientOptions } from '../../src/integrations/cake/client.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { startFakeCakeServer, type FakeCakeConversion, type FakeCakeOffer, type FakeCakeServer } from '../fakes/cake-server.js';
import { collect, loopbackGuard as guard } from './connector-test-support.js';

const WRONG_KEY = 'cakeWrongKeyMustNeverLeak';

function offer(id: number, fields: FakeCakeOffer = {}): FakeCakeOffer {
  return {
    offer_id: String(id),
    offer_contract_id: String(id + 1000),
    campaign_id: String(id + 5000),
    offer_name: `Offer ${id}`,
    vertical_name: 'Sweepstakes',
    offer_status: { status_id: '1', status_name: 'Active' },
    offer_type: 'Hosted',
    price_format: 'CPA',
    payout: '$2.00',
    preview_link: `https://brand.example/lp/${id}`,
    description: null,
    allowed_countries: { country: [{ country_code: 'US', country_name: 'United States' }] },
    hidden: 'false',
    ...fields,
  };
}

const OFFERS: FakeCakeOffer[] = [
  offer(101, {
    offer_name: 'Win an iPhone – US & CA',
    description: 'Single opt-in. <b>No incent.</b>',
    allowed_countries: { country: [{ country_code: 'US', country_name: 'United States' }, { country_code: 'ca', country_name: 'Canada' }] },
  }),
  offer(102, { price_format: 'RevShare', payout: '30.00 %', allowed_countries: '', vertical_name: '' }),
  offer(103, { offer_status: { status_id: '3', status_name: 'Apply To Run' }, price_format: 'CPL', payout: '$1,250.50' }),
  offer(104, { offer_name: null }),
  offer(105, { tracking_link: 'https://trk.network.example/?a=4321&c=9999&s5=x' }),
  offer(106, { campaign_id: '0', offer_status: { status_id: '4', status_name: 'Paused' } }),
  offer(107),
];

const WINDOW = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-08T00:00:00Z') };

function conversion(n: number, fields: FakeCakeConversion = {}): FakeCakeConversion {
  return {
    conversion_id: String(700_000 + n),
    conversion_date: `2026-03-0${1 + (n % 7)}T${String(n % 24).padStart(2, '0')}:30:00.1234567`,
    offer_id: '101',
    offer_name: 'Win an iPhone – US & CA',
    campaign_id: '5101',
    subid_1: 'zone-7',
    subid_2: `wpclick${n}`,
    subid_3: null,
    subid_4: '',
    subid_5: '',
    price: '2.0000',
    disposition: 'Approved',
    transaction_id: `tid-${n}`,
    ...fields,
  };
}

describe('CAKE connector against the fake CAKE server', () => {
  let cake: FakeCakeServer;
  let connect: (overrides?: Partial<CakeSettingsInput>, http?: Partial<CakeClientOptions>) => PartnerConnector;

  before(async () => {
    cake = await startFakeCakeServer({ offers: OFFERS });
    connect = (overrides = {}, http = {}) =>
      createCakeConnector({ baseUrl: cake.url, affiliateId: cake.affiliateId, apiKey: cake.apiKey, pageSize: 3, ...overrides }, { guard, baseDelayMs: 5, attempts: 3, ...http });
  });
  after(() => cake.close());
  beforeEach(() => {
    cake.reset();
    cake.conversions = [];
  });

  it('reads the XML offer feed over three pages by start_at_row and row_limit, mapped field by field', async () => {
    const { pages, error } = await collect(connect().fetchOffers());
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount, p.offers.length + p.skipped.length]), [[1, 3, 3], [2, 3, 3], [3, 3, 1]]);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [{ externalId: '104', reason: 'the offer has no offer_name' }]);
    const offers = pages.flatMap((p) => p.offers);
    assert.deepEqual(offers.map((o) => o.externalId), ['101', '102', '103', '105', '106', '107']);

    assert.deepEqual(offers[0], {
      externalId: '101',
      name: 'Win an iPhone – US & CA',
      trackingUrl: `${cake.url}/?a=4321&c=5101`,
      destinationUrl: null,
      previewUrl: 'https://brand.example/lp/101',
      impressionUrl: null,
      payout: { kind: 'fixed', model: 'cpa', amount: 2_000_000, percent: null, partnerType: 'CPA' },
      currency: null,
      advertiser: null,
      status: 'active',
      partnerStatus: 'Active',
      countries: ['CA', 'US'],
      categories: ['Sweepstakes'],
      description: 'Single opt-in. <b>No incent.</b>',
      requiresApproval: false,
      caps: [],
    });
    const [, share, lead, own, noCampaign] = offers;
    assert.deepEqual(share!.payout, { kind: 'percent', model: 'revshare', amount: null, percent: 30, partnerType: 'RevShare' });
    assert.deepEqual(share!.countries, []);
    assert.deepEqual(share!.categories, []);
    assert.deepEqual(lead!.payout, { kind: 'fixed', model: 'cpl', amount: 1_250_500_000, percent: null, partnerType: 'CPL' });
    assert.equal(lead!.requiresApproval, true);
    assert.equal(lead!.status, 'active');
    assert.equal(own!.trackingUrl, 'https://trk.network.example/?a=4321&c=9999&s5=x', 'the feed’s own link wins, &amp; decoded');
    assert.equal(noCampaign!.trackingUrl, null);
    assert.equal(noCampaign!.status, 'paused');

    assert.deepEqual(cake.requests.map((r) => [r.path, r.query.start_at_row, r.query.row_limit]), [
      ['/affiliates/api/4/offers.asmx/OfferFeed', '1', '3'],
      ['/affiliates/api/4/offers.asmx/OfferFeed', '4', '3'],
      ['/affiliates/api/4/offers.asmx/OfferFeed', '7', '3'],
    ]);
    assert.deepEqual(cake.requests[0]!.query, {
      api_key: cake.apiKey,
      affiliate_id: '4321',
      campaign_name: '',
      media_type_category_id: '0',
      vertical_category_id: '0',
      vertical_id: '0',
      offer_status_id: '0',
      tag_id: '0',
      start_at_row: '1',
      row_limit: '3',
    });
  });

  it('builds tracking links on the configured tracking domain', async () => {
    const { pages } = await collect(connect({ trackingBaseUrl: 'https://trk.network.example/' }).fetchOffers());
    assert.equal(pages[0]!.offers[0]!.trackingUrl, 'https://trk.network.example/?a=4321&c=5101');
  });

  it('pulls conversions over several pages on the network’s clock, the configured sub id first', async () => {
    cake.timeZone = 'America/New_York';
    cake.conversions = [
      ...Array.from({ length: 6 }, (_, n) => conversion(n)),
      conversion(6, { disposition: 'Pending', subid_2: '', subid_3: 'wpclick6-in-s3' }),
      conversion(7, { disposition: 'Rejected', price: '$0.00' }),
      conversion(8, { disposition: null }),
      conversion(9, { conversion_id: '' }),
      conversion(10, { conversion_date: 'soon' }),
      conversion(11, { conversion_date: '2026-02-28T18:59:59' }), // 23:59:59 UTC: before the window
    ];
    const { pages, error } = await collect(connect({ timeZone: 'America/New_York' }).fetchConversions(WINDOW));
    assert.equal(error, undefined);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
    assert.deepEqual(pages.flatMap((p) => p.skipped), [
      { externalId: null, reason: 'the row has no conversion_id' },
      { externalId: '700010', reason: 'unreadable conversion_date "soon"' },
    ]);
    const pulled = pages.flatMap((p) => p.conversions);
    const byId = new Map(pulled.map((c) => [c.externalId, c] as const));
    assert.deepEqual([...byId.keys()].sort(), ['700000', '700001', '700002', '700003', '700004', '700005', '700006', '700007', '700008']);
    assert.deepEqual(byId.get('700001'), {
      externalId: '700001',
      clickIdCandidates: [
        { source: 'subid_2', value: 'wpclick1' },
        { source: 'subid_1', value: 'zone-7' },
      ],
      status: 'approved',
      partnerStatus: 'Approved',
      payout: 2_000_000,
      currency: null,
      at: new Date('2026-03-02T06:30:00.123Z'),
      offerExternalId: '101',
      transactionId: 'tid-1',
    } satisfies PulledConversion);
    assert.deepEqual(byId.get('700006')!.clickIdCandidates.map((c) => c.source), ['subid_1', 'subid_3']);
    assert.equal(byId.get('700006')!.status, 'pending');
    assert.equal(byId.get('700007')!.status, 'declined');
    assert.equal(byId.get('700007')!.payout, 0);
    assert.deepEqual([byId.get('700008')!.status, byId.get('700008')!.partnerStatus], ['pending', null], 'no disposition yet is pending');

    const first = cake.requests[0]!;
    assert.equal(first.path, '/affiliates/api/5/reports.asmx/Conversions');
    assert.deepEqual(
      [first.query.start_date, first.query.end_date, first.query.offer_id, first.query.start_at_row, first.query.row_limit],
      ['2026-02-28 19:00:00', '2026-03-07 19:00:00', '0', '1', '3'],
    );
  });

  it('splits a window longer than 31 days into calls CAKE accepts', async () => {
    cake.conversions = [
      conversion(1, { conversion_date: '2026-01-02T10:00:00' }),
      conversion(2, { conversion_date: '2026-02-10T10:00:00' }),
      conversion(3, { conversion_date: '2026-03-05T10:00:00' }),
    ];
    const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-03-10T00:00:00Z') };
    const { pages, error } = await collect(connect().fetchConversions(window));
    assert.equal(error, undefined);
    assert.deepEqual(cake.requests.map((r) => [r.query.start_date, r.query.end_date]), [
      ['2026-01-01 00:00:00', '2026-02-01 00:00:00'],
      ['2026-02-01 00:00:00', '2026-03-04 00:00:00'],
      ['2026-03-04 00:00:00', '2026-03-10 00:00:00'],
    ]);
    assert.deepEqual(pages.map((p) => [p.page, p.pageCount]), [[1, null], [2, null], [3, null]]);
    assert.deepEqual(pages.flatMap((p) => p.conversions).map((c) => c.externalId), ['700001', '700002', '700003']);
  });

  it('reports what it saw on test connection: offers in the feed, or CAKE’s own refusal inside HTTP 200', async () => {
    assert.deepEqual(await connect().testConnection(), { ok: true, offersVisible: 7, message: 'CAKE affiliate API answered: 7 offers in the offer feed' });
    assert.deepEqual([cake.requests[0]!.query.start_at_row, cake.requests[0]!.query.row_limit], ['1', '1'], 'never row_limit 0, which is every offer');
    assert.deepEqual(await connect({ apiKey: WRONG_KEY }).testConnection(), { ok: false, message: 'Invalid API Key', retryable: false });
    assert.equal(cake.requests.at(-1)!.status, 200);
    assert.equal(cake.requests.length, 2, 'a refusal is not retried');
  });

  it('fails a fetch with a bad key as a ConnectorError carrying CAKE’s message and never the key', async () => {
    cake.invalidKeyMessage = 'API Key is not valid for this affiliate';
    const { pages, error } = await collect(connect({ apiKey: WRONG_KEY }).fetchOffers());
    assert.deepEqual(pages, []);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.partner, 'cake');
    assert.equal(error.partnerMessage, 'API Key is not valid for this affiliate');
    assert.equal(error.retryable, false);
    assert.equal(error.message, 'CAKE OfferFeed page 1 refused: API Key is not valid for this affiliate');
    assert.ok(!`${error.message} ${error.partnerMessage} ${error.stack}`.includes(WRONG_KEY));
  });

  it('surfaces a failure on page 3 as an error after pages 1 and 2, never as a complete fetch', async () => {
    cake.failPage(3);
    const offers = await collect(connect().fetchOffers());
    assert.deepEqual(offers.pages.map((p) => p.page), [1, 2]);
    assert.ok(offers.error instanceof ConnectorError);
    assert.equal(offers.error.httpStatus, 500);
    assert.equal(offers.error.retryable, true);
    assert.equal(offers.error.message, 'CAKE OfferFeed page 3 answered HTTP 500: Runtime Error An application error occurred on the server. — gave up after 3 tries');
    assert.ok(!offers.error.message.includes(cake.apiKey));
    assert.equal(cake.requests.length, 5, 'a 500 is tried again, a bounded number of times');

    cake.reset();
    cake.conversions = Array.from({ length: 9 }, (_, n) => conversion(n));
    cake.failPage(3, { kind: 'refusal', message: 'Report timed out' });
    const report = await collect(connect().fetchConversions(WINDOW));
    assert.deepEqual(report.pages.map((p) => p.page), [1, 2]);
    assert.ok(report.error instanceof ConnectorError);
    assert.equal(report.error.partnerMessage, 'Report timed out');
    assert.equal(report.error.httpStatus, 200);
  });

  it('passes the .NET message of a plain-text 500 on, first line only', async () => {
    cake.failPage(1, { kind: 'http', status: 500, body: 'System.InvalidOperationException: Missing parameter: row_limit.\r\n   at System.Web.Services.Protocols.ValueCollectionParameterReader.Read(…)' });
    const check = await connect({}, { attempts: 1 }).testConnection();
    assert.deepEqual(check, { ok: false, message: 'System.InvalidOperationException: Missing parameter: row_limit.', retryable: true });
  });

  it('refuses an answer that is not XML instead of reading half of it', async () => {
    cake.failPage(1, { kind: 'http', status: 200, body: '<?xml version="1.0"?><offer_feed_response><success>true</success><offers><offer>' });
    const { error } = await collect(connect().fetchOffers());
    assert.ok(error instanceof ConnectorError);
    assert.match(error.message, /^CAKE OfferFeed page 1 answered something other than XML/);
    assert.equal(error.retryable, false);
  });

  it('names the call, never the URL that carries the key, when CAKE cannot be reached', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const { error } = await collect(connect({ baseUrl: `http://127.0.0.1:${port}` }, { attempts: 2 }).fetchOffers());
    assert.ok(error instanceof ConnectorError);
    assert.match(error.message, /^CAKE OfferFeed page 1 could not be reached: .* — gave up after 2 tries$/);
    assert.equal(error.retryable, true);
    assert.ok(!`${error.message} ${error.stack}`.includes(cake.apiKey));
  });

  it('refuses a loopback API URL unless the host is allowed, through the outbound guard', async () => {
    const strict = createCakeConnector({ baseUrl: cake.url, affiliateId: cake.affiliateId, apiKey: cake.apiKey }, { guard: createOutboundUrlGuard(), baseDelayMs: 5 });
    const check = await strict.testConnection();
    assert.equal(check.ok, false);
    assert.match(check.message, /^CAKE API URL refused: 127\.0\.0\.1 is a loopback address/);
    assert.ok(!check.message.includes(cake.apiKey));
    assert.equal(cake.requests.length, 0);
  });
});
