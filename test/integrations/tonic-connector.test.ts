import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelConnector } from '../../src/integrations/channel-connector.js';
import { ConnectorError } from '../../src/integrations/connector.js';
import { CHANNEL_PARTNERS, channelPartnerDefinition, partnerDefinition } from '../../src/integrations/partner-registry.js';
import { createTonicConnector } from '../../src/integrations/tonic/tonic-connector.js';
import { startFakeTonicAdvertiserServer, tonicCampaign, type FakeTonicAdvertiserServer } from '../fakes/tonic-advertiser-server.js';
import { loopbackGuard } from './connector-test-support.js';

const HOUR = 3_600_000;

describe('Tonic advertiser connector against the fake Tonic advertiser API', () => {
  let tonic: FakeTonicAdvertiserServer;
  let clock: number;
  const connect = (changes: { password?: string; attempts?: number } = {}): ChannelConnector =>
    createTonicConnector(
      { email: tonic.email, password: changes.password ?? tonic.password, baseUrl: tonic.url },
      { guard: loopbackGuard, attempts: changes.attempts ?? 1, baseDelayMs: 0, now: () => clock },
    );

  before(async () => {
    tonic = await startFakeTonicAdvertiserServer();
  });
  after(() => tonic.close());
  beforeEach(() => {
    tonic.reset();
    tonic.blocked = false;
    tonic.logins = 0;
    clock = Date.parse('2026-11-20T12:00:00Z');
    tonic.now = () => clock;
    tonic.campaigns = [tonicCampaign('501'), tonicCampaign('502', { status: 'paused' }), tonicCampaign('503', { whitelisting: true, source_ids: ['s-1', 's-2'] })];
  });

  it('test connection: logs in with email and password, then lists campaigns with the token in the api-key header', async () => {
    const check = await connect().testConnection();
    assert.deepEqual(check, { ok: true, offersVisible: null, message: `Tonic advertiser API answered: logged in as ${tonic.email}, 3 campaigns visible` });
    const [login, list] = tonic.requests;
    assert.equal(login!.path, '/auth');
    assert.deepEqual(login!.body, { email: tonic.email, password: tonic.password });
    assert.equal(login!.apiKey, null, 'the login itself carries no token');
    assert.equal(list!.path, '/campaigns');
    assert.match(list!.apiKey ?? '', /^[0-9a-f]{48}$/, 'the token from /auth, in the api-key header');
  });

  it("bad login and a blocked account: the connection test reports Tonic's own message, not retryable", async () => {
    assert.deepEqual(await connect({ password: 'wrong' }).testConnection(), { ok: false, message: 'Username or Password not correct!', retryable: false });
    tonic.blocked = true;
    assert.deepEqual(await connect().testConnection(), { ok: false, message: 'Your account is blocked. Please contact support.', retryable: false });
  });

  it('lists campaigns from the compact objects, ids as strings', async () => {
    assert.deepEqual(await connect().listCampaigns!(), [
      { id: '501', name: 'Tonic campaign 501', status: 'active', partnerStatus: 'active' },
      { id: '502', name: 'Tonic campaign 502', status: 'paused', partnerStatus: 'paused' },
      { id: '503', name: 'Tonic campaign 503', status: 'active', partnerStatus: 'active' },
    ]);
  });

  it('a token Tonic refuses as expired is renewed transparently: one new login, the call sent again, one answer', async () => {
    const connector = connect();
    await connector.listCampaigns!();
    tonic.expireTokens();
    tonic.reset();
    const campaigns = await connector.listCampaigns!();
    assert.equal(campaigns.length, 3);
    assert.deepEqual(
      tonic.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['GET /campaigns 401', 'POST /auth 200', 'GET /campaigns 200'],
    );
    assert.equal(tonic.logins, 2);
  });

  it('a token past its 6 hours on our clock is renewed before the call, so Tonic never sees it expired', async () => {
    const connector = connect();
    await connector.listCampaigns!();
    await connector.listCampaigns!();
    assert.equal(tonic.logins, 1, 'one token serves calls within its lifetime');
    clock += 6 * HOUR;
    tonic.reset();
    await connector.listCampaigns!();
    assert.deepEqual(
      tonic.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['POST /auth 200', 'GET /campaigns 200'],
    );
  });

  it('pausing a campaign sets its status to paused (only the field sent); a second pause changes nothing; resuming sets active', async () => {
    const connector = connect();
    const paused = await connector.pauseCampaign!('501');
    assert.equal(paused.outcome, 'done');
    assert.match(paused.response, /Tonic campaign 501 status active → paused/);
    assert.equal(tonic.campaigns[0]!.status, 'paused');
    const edit = tonic.requests.find((r) => r.method === 'PUT');
    assert.deepEqual(edit!.body, { status: 'paused' });
    assert.equal(edit!.path, '/campaigns/501');

    tonic.reset();
    assert.equal((await connector.pauseCampaign!('501')).outcome, 'unchanged');
    assert.equal(tonic.requests.filter((r) => r.method === 'PUT').length, 0);
    assert.equal((await connector.resumeCampaign!('501')).outcome, 'done');
    assert.equal(tonic.campaigns[0]!.status, 'active');
  });

  it('blocking a placement adds its source id to source_ids with whitelisting false; unblocking takes it off', async () => {
    const connector = connect();
    tonic.campaigns[0]!.source_ids = ['s-9'];
    const blocked = await connector.blockPlacement!('501', 's-42');
    assert.equal(blocked.outcome, 'done');
    assert.deepEqual(tonic.campaigns[0]!.source_ids, ['s-9', 's-42']);
    assert.equal(tonic.campaigns[0]!.whitelisting, false);
    assert.deepEqual(tonic.requests.find((r) => r.method === 'PUT')!.body, { source_ids: ['s-9', 's-42'], whitelisting: false });
    assert.equal((await connector.blockPlacement!('501', 's-42')).outcome, 'unchanged');

    assert.equal((await connector.unblockPlacement!('501', 's-42')).outcome, 'done');
    assert.deepEqual(tonic.campaigns[0]!.source_ids, ['s-9']);
  });

  it('on a campaign that whitelists, blocking removes the source from the whitelist, and never empties it', async () => {
    const connector = connect();
    await connector.blockPlacement!('503', 's-1');
    assert.deepEqual(tonic.campaigns[2]!.source_ids, ['s-2']);
    assert.equal(tonic.campaigns[2]!.whitelisting, true);
    await assert.rejects(connector.blockPlacement!('503', 's-2'), (error: ConnectorError) => {
      assert.match(error.message, /only one whitelisted .* pause the campaign instead/);
      assert.equal(error.retryable, false);
      return true;
    });
    assert.deepEqual(tonic.campaigns[2]!.source_ids, ['s-2'], 'nothing changed');
    await connector.unblockPlacement!('503', 's-1');
    assert.deepEqual(tonic.campaigns[2]!.source_ids, ['s-2', 's-1'], 'unblocking puts it back on the whitelist');
  });

  it('spend per campaign and day from statistics with string numbers; an unreadable row is skipped with its reason', async () => {
    tonic.statistics = [
      { date: '2026-11-19', campaign_id: '501', clicks: '1200', cost: '36.5000' },
      { date: '2026-11-20', campaign_id: '501', clicks: '10', cost: '0.30' },
      { date: '2026-11-20', campaign_id: '502', clicks: '3', cost: 'n/a' },
      { date: '2026-11-25', campaign_id: '501', clicks: '1', cost: '9.99' },
    ];
    const { rows, skipped } = await connect().fetchSpend!({ from: '2026-11-19', to: '2026-11-20' });
    assert.deepEqual(rows, [
      { channelCampaignId: '501', day: '2026-11-19', spend: 36_500_000, clicks: 1200 },
      { channelCampaignId: '501', day: '2026-11-20', spend: 300_000, clicks: 10 },
    ]);
    assert.deepEqual(skipped, [{ externalId: '502', reason: 'the statistics row of 2026-11-20 has no readable cost (n/a)' }]);
    assert.deepEqual(tonic.requests.at(-1)!.query, { from: '2026-11-19', to: '2026-11-20' });
  });

  it("errors carry Tonic's message; 5xx is retried with back-off, a 404 is not", async () => {
    tonic.failNext(1, { status: 503, body: { error: 'SERVICE_UNAVAILABLE', message: 'Try again later' } });
    assert.equal((await connect({ attempts: 2 }).listCampaigns!()).length, 3, 'the second try got through');

    await assert.rejects(connect({ attempts: 3 }).pauseCampaign!('999'), (error: ConnectorError) => {
      assert.equal(error.partnerMessage, 'Campaign not found');
      assert.equal(error.httpStatus, 404);
      assert.equal(error.retryable, false);
      return true;
    });
    assert.equal(tonic.requests.filter((r) => r.path === '/campaigns/999').length, 1, 'a 404 is not retried');

    tonic.failNext(5, { status: 500 });
    await assert.rejects(connect({ attempts: 2 }).listCampaigns!(), (error: ConnectorError) => {
      assert.equal(error.partnerMessage, 'Internal server error');
      assert.match(error.message, /gave up after 2 tries/);
      assert.equal(error.retryable, true);
      return true;
    });
  });

  it('is registered as a traffic-channel partner: email a plain setting, the password sealed, its channel settings defaulted', () => {
    const tonicPartner = channelPartnerDefinition('tonic')!;
    assert.equal(tonicPartner.kind, 'traffic_channel');
    assert.equal(partnerDefinition('tonic'), undefined, 'not an offer-source partner');
    assert.deepEqual(Object.keys(tonicPartner.credentialsSchema.shape), ['password']);
    const settings = tonicPartner.settingsSchema.parse({ email: 'a@b.example' });
    assert.deepEqual(settings, { email: 'a@b.example', baseUrl: null, tokenLifetimeMinutes: 360, timeZone: 'UTC', placementDimension: 'sub2', costSync: true, costSyncDays: 3 });
    assert.deepEqual([...tonicPartner.capabilities].sort(), ['blockPlacement', 'fetchSpend', 'listCampaigns', 'pauseCampaign', 'resumeCampaign', 'unblockPlacement']);
    for (const partner of Object.values(CHANNEL_PARTNERS)) assert.equal(partnerDefinition(partner.key), undefined, `${partner.key} is one kind only`);
  });
});
