import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createChannelActions } from '../../src/channels/campaign-channel-actions.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ruleReportDeps } from '../../src/rules/rule-report-deps.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { runDueRules, type DueRuleDeps } from '../../src/worker/jobs/run-due-rules.js';
import { startFakeTonicAdvertiserServer, tonicCampaign, type FakeTonicAdvertiserServer } from '../fakes/tonic-advertiser-server.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { FALLBACK_URL, ruleBody, ruleFixture } from './rule-fixture.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const logger = createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' }));

/**
 * Rules on a channel integrated through its API: Tonic as the traffic channel (its template passes the
 * source id in sub2), the fake advertiser API on loopback, Waypost's own action first and Tonic's after.
 */
describe('rules acting through the Tonic advertiser API', () => {
  let server: TestServer;
  let tonic: FakeTonicAdvertiserServer;
  let deps: (now: number) => DueRuleDeps;

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    tonic = await startFakeTonicAdvertiserServer();
    const guard = createOutboundUrlGuard({ allowHosts: server.config.outbound.allowHosts });
    // Three attempts per channel call, without waiting between them.
    deps = (now) => ({ store: server.store, report: ruleReportDeps(server.store, server.events), actions: createChannelActions({ store: server.store, cipher: server.cipher, guard, retryDelaysMs: [0, 0] }), guard, logger, now: () => now });
  });
  after(async () => {
    await server.close();
    await tonic.close();
  });

  /** A Tonic channel with its API integration, and a campaign linked to Tonic campaign `tonicId`. */
  async function tonicSetup(tonicId: string) {
    tonic.campaigns.push(tonicCampaign(tonicId));
    const fixture = await ruleFixture(server, { channel: { fromTemplate: 'tonic', name: `Tonic ${tonicId}` }, campaign: { channelCampaignId: tonicId }, zoneParam: 'sub2' });
    await createVia(server, 'integrations', {
      partner: 'tonic',
      name: `Tonic account ${tonicId}`,
      trafficChannelId: fixture.channel.id,
      settings: { email: tonic.email, baseUrl: tonic.url },
      credentials: { password: tonic.password },
    });
    return { ...fixture, tonicCampaign: () => tonic.campaigns.find((campaign) => campaign.campaign_id === tonicId)! };
  }

  const runsOf = async (ruleId: number) => {
    const response = await server.api('GET', `/api/v1/rules/${ruleId}/log?limit=100`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.items as any[];
  };

  test("a rule blocks a placement on Tonic (its source id added to source_ids, whitelisting off) and in Waypost", async () => {
    const fixture = await tonicSetup('5501');
    await fixture.clicks(fixture.campaign, 'src-771', 11, '2.00');
    await fixture.clicks(fixture.campaign, 'src-772', 3, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { scope: { trafficChannelId: fixture.channel.id, objectLevel: 'placement', placementDimension: 'sub2' } }));
    await runDueRules(deps(Date.now()));

    const [run] = await runsOf(rule.id);
    assert.equal(run.state, 'succeeded');
    assert.equal(run.objects.length, 1);
    const object = run.objects[0];
    assert.deepEqual(object.placement, { dimension: 'sub2', value: 'src-771' });
    assert.equal(object.outcome, 'done');
    assert.equal(object.report.waypost, 'done');
    assert.equal(object.report.channel.state, 'succeeded');
    assert.equal(object.report.channel.attempts, 1);
    assert.equal(typeof object.report.channel.response, 'string');

    assert.deepEqual(fixture.tonicCampaign().source_ids, ['src-771']);
    assert.equal(fixture.tonicCampaign().whitelisting, false);
    assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.blockedPlacements, [{ dimension: 'sub2', value: 'src-771' }]);
    await server.edge.snapshots.refresh();
    assert.equal((await fixture.click(fixture.campaign, 'src-771', '0.03')).location, FALLBACK_URL, "Waypost's own block holds too");
    assert.ok((await fixture.click(fixture.campaign, 'src-772', '0.03')).clickId);
    await server.api('DELETE', `/api/v1/rules/${rule.id}`);
  });

  test('pause and restart on Tonic: the campaign is paused there and set active again when the period ends', async () => {
    const fixture = await tonicSetup('5502');
    await fixture.clicks(fixture.campaign, 'src-1', 3, '10.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, campaignIds: [fixture.campaign.id], objectLevel: 'campaign' },
      action: { type: 'pause_and_restart', restartAfter: { amount: 3, unit: 'hours' } },
      frequencyMinutes: 24 * 60,
    }));
    const t = Date.now();
    await runDueRules(deps(t));
    const [paused] = await runsOf(rule.id);
    assert.deepEqual([paused.objects[0].action, paused.objects[0].outcome, paused.objects[0].report.channel.state], ['pause_campaign', 'done', 'succeeded']);
    assert.equal(fixture.tonicCampaign().status, 'paused');
    assert.equal((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.status, 'paused');

    await runDueRules(deps(t + 3 * HOUR));
    const [restart] = await runsOf(rule.id);
    assert.equal(restart.trigger, 'restart');
    assert.deepEqual([restart.objects[0].action, restart.objects[0].outcome, restart.objects[0].report.channel.state], ['resume_campaign', 'done', 'succeeded']);
    assert.equal(fixture.tonicCampaign().status, 'active');
    assert.equal((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.status, 'active');
    await server.api('DELETE', `/api/v1/rules/${rule.id}`);
  });

  test('a restart the channel refuses is tried again later until Tonic takes it, and given up a day after it was due', async () => {
    const fixture = await tonicSetup('5504');
    await fixture.clicks(fixture.campaign, 'src-2', 3, '10.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, campaignIds: [fixture.campaign.id], objectLevel: 'campaign' },
      action: { type: 'pause_and_restart', restartAfter: { amount: 3, unit: 'hours' } },
      frequencyMinutes: 7 * 24 * 60,
    }));
    const t = Date.now();
    await runDueRules(deps(t));
    assert.equal(fixture.tonicCampaign().status, 'paused');

    tonic.failNext(100, { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Database unavailable' } });
    await runDueRules(deps(t + 3 * HOUR));
    tonic.failNext(0);
    const [refused] = await runsOf(rule.id);
    assert.deepEqual([refused.trigger, refused.objects[0].outcome], ['restart', 'failed']);
    assert.match(refused.objects[0].reason, /^the channel failed after 3 attempts: .*; tried again at /);
    assert.equal(fixture.tonicCampaign().status, 'paused', 'still paused on Tonic');
    assert.equal((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.status, 'active', "Waypost's own side is resumed at once");

    await runDueRules(deps(t + 3 * HOUR + 5 * MINUTE));
    assert.equal((await runsOf(rule.id)).length, 2, 'not before its retry time');
    await runDueRules(deps(t + 3 * HOUR + 15 * MINUTE));
    const [retried] = await runsOf(rule.id);
    // Waypost's side was resumed by the first try: only the channel's changes now.
    assert.deepEqual([retried.trigger, retried.objects[0].outcome, retried.objects[0].report.channel.state], ['restart', 'unchanged', 'succeeded']);
    assert.equal(fixture.tonicCampaign().status, 'active');

    // A channel that refuses for a whole day: the restart is dropped, with what to do in the log.
    await server.api('PATCH', `/api/v1/rules/${rule.id}`, { frequencyMinutes: 60 });
    await runDueRules(deps(t + 5 * HOUR));
    assert.equal(fixture.tonicCampaign().status, 'paused', 'paused again by the edited rule');
    tonic.failNext(10_000, { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Database unavailable' } });
    await runDueRules(deps(t + 8 * HOUR));
    await runDueRules(deps(t + 8 * HOUR + 24 * HOUR + MINUTE));
    tonic.failNext(0);
    const restarts = async () => (await runsOf(rule.id)).filter((run: { trigger: string }) => run.trigger === 'restart');
    const [givenUp] = await restarts();
    assert.match(givenUp.objects[0].reason, /given up 24 h after it was due/);
    await runDueRules(deps(t + 8 * HOUR + 24 * HOUR + 30 * MINUTE));
    assert.equal((await restarts())[0].id, givenUp.id, 'no restart is left to try');
    await server.api('DELETE', `/api/v1/rules/${rule.id}`);
  });

  test('a channel call that keeps failing is retried, then logged as failed with its error; the next evaluation tries again', async () => {
    const fixture = await tonicSetup('5503');
    await fixture.clicks(fixture.campaign, 'src-9', 11, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, objectLevel: 'placement', placementDimension: 'sub2' },
      fireOncePerObject: true,
      frequencyMinutes: 10,
    }));
    // Every edit attempt answers 500 (a token is fetched first; failures count calls after /auth).
    tonic.failNext(100, { status: 500, body: { error: 'INTERNAL_ERROR', message: 'Database unavailable' } });
    const t = Date.now();
    await runDueRules(deps(t));
    tonic.failNext(0);
    const [failed] = await runsOf(rule.id);
    assert.equal(failed.state, 'failed', 'a run with a failed object is failed');
    const object = failed.objects[0];
    assert.equal(object.outcome, 'failed');
    assert.equal(object.report.waypost, 'done', "Waypost's own block was made");
    assert.equal(object.report.channel.state, 'failed');
    assert.equal(object.report.channel.attempts, 3);
    assert.match(object.report.channel.error, /Database unavailable|500/);
    assert.match(object.reason, /^the channel failed after 3 attempts: /);
    assert.deepEqual(fixture.tonicCampaign().source_ids, [], 'nothing changed on Tonic');

    // Not marked as fired: the next evaluation tries the channel again, and it succeeds.
    await runDueRules(deps(t + 10 * MINUTE));
    const [retried] = await runsOf(rule.id);
    assert.equal(retried.state, 'succeeded');
    assert.equal(retried.objects[0].outcome, 'unchanged', 'already blocked in Waypost');
    assert.equal(retried.objects[0].report.channel.state, 'succeeded');
    assert.deepEqual(fixture.tonicCampaign().source_ids, ['src-9']);
    await server.api('DELETE', `/api/v1/rules/${rule.id}`);
  });
});
