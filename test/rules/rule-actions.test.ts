import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelActions } from '../../src/channels/campaign-channel-actions.js';
import { loadConfig } from '../../src/config.js';
import { localClock } from '../../src/domain/funnel-evaluation.js';
import { createLogger } from '../../src/observability/logger.js';
import { ruleReportDeps } from '../../src/rules/rule-report-deps.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { runDueRules, type DueRuleDeps } from '../../src/worker/jobs/run-due-rules.js';
import { SCHEDULES } from '../../src/worker/schedules.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { FALLBACK_URL, ruleBody, ruleFixture } from './rule-fixture.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const logger = createLogger(loadConfig({ WAYPOST_LOG_LEVEL: 'silent' }));

describe('rules acting through the worker', () => {
  let server: TestServer;
  let deps: (now: number) => DueRuleDeps;

  before(async () => {
    server = await startTestServer({ detector: 'null', env: { WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1' } });
    const guard = createOutboundUrlGuard({ allowHosts: server.config.outbound.allowHosts });
    // Fresh deps for each tick, as a worker after a restart would have: nothing kept in memory between ticks.
    deps = (now) => ({ store: server.store, report: ruleReportDeps(server.store, server.events), actions: createChannelActions({ store: server.store, cipher: server.cipher, guard, retryDelaysMs: [0, 0] }), guard, logger, now: () => now, webhook: { baseDelayMs: 1 } });
  });
  after(() => server.close());

  const logOf = async (ruleId: number, query = '') => {
    const response = await server.api('GET', `/api/v1/rules/${ruleId}/log${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  const runsOf = async (ruleId: number) => (await logOf(ruleId, '?limit=500')).items as any[];

  test('is on the worker every minute, with the event store', () => {
    const schedule = SCHEDULES.find((entry) => entry.job === 'run-due-rules');
    assert.ok(schedule, 'the rules job is scheduled');
    assert.equal(schedule.pattern, '0 * * * * *');
    assert.equal(schedule.events, true);
  });

  test("a rule blocks a losing placement through Waypost's own block: the next click from it goes to the fallback, others still reach the offer", async () => {
    const fixture = await ruleFixture(server);
    const { campaign } = fixture;
    await fixture.clicks(campaign, 'zoneA', 11, '2.00'); // 22.00, no conversion: matches
    const zoneB = await fixture.clicks(campaign, 'zoneB', 11, '2.00');
    await fixture.convert(zoneB[0]!, '5.00'); // converts: does not match
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { frequencyMinutes: 15 }));

    const now = Date.now();
    const runs = await runDueRules(deps(now));
    const own = runs.filter((run) => run.ruleId === rule.id);
    assert.equal(own.length, 1);

    const [entry] = await runsOf(rule.id);
    assert.equal(entry.trigger, 'schedule');
    assert.equal(entry.state, 'succeeded');
    assert.equal(entry.checked, 2);
    assert.equal(entry.matched, 1);
    assert.equal(entry.objects.length, 1);
    const object = entry.objects[0];
    assert.deepEqual(
      { campaignId: object.campaignId, campaignName: object.campaignName, placement: object.placement, values: object.values, action: object.action, outcome: object.outcome },
      { campaignId: campaign.id, campaignName: 'Campaign 1', placement: { dimension: 'sub1', value: 'zoneA' }, values: { cost: 22, conversions: 0 }, action: 'block_placement', outcome: 'done' },
    );
    assert.deepEqual(object.report, { waypost: 'done', channel: { state: 'not_integrated' } }, 'a channel without API integration: Waypost acted alone');
    assert.equal(Date.parse(entry.at), now);
    assert.equal(Date.parse(entry.window.to) - Date.parse(entry.window.from), 24 * HOUR);

    const stored = await server.api('GET', `/api/v1/campaigns/${campaign.id}`);
    assert.deepEqual(stored.body.blockedPlacements, [{ dimension: 'sub1', value: 'zoneA' }]);
    await server.edge.snapshots.refresh();
    assert.equal((await fixture.click(campaign, 'zoneA', '2.00')).location, FALLBACK_URL, 'the next click from zoneA goes to the fallback');
    assert.ok((await fixture.click(campaign, 'zoneB', '2.00')).clickId, 'zoneB still reaches the offer');
    assert.equal((await server.api('GET', `/api/v1/rules/${rule.id}`)).body.lastEvaluatedAt, new Date(now).toISOString());

    // Checked every 15 minutes: not at +14 min, again at +15 min, where zoneA is already blocked.
    await runDueRules(deps(now + 14 * MINUTE));
    assert.equal((await runsOf(rule.id)).length, 1);
    await runDueRules(deps(now + 15 * MINUTE));
    const again = await runsOf(rule.id);
    assert.equal(again.length, 2);
    assert.equal(again[0].objects[0].outcome, 'unchanged', 'without fire-once the rule acts again, finding it already blocked');
    assert.deepEqual(again[0].objects[0].report, { waypost: 'unchanged', channel: { state: 'not_integrated' } });
  });

  test('pause and restart: the campaign is paused, and resumed when its period ends, even by a worker started since', async () => {
    const fixture = await ruleFixture(server);
    const { campaign } = fixture;
    await fixture.clicks(campaign, 'zoneA', 3, '10.00'); // 30.00 without conversion
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, campaignIds: [campaign.id], objectLevel: 'campaign' },
      action: { type: 'pause_and_restart', restartAfter: { amount: 2, unit: 'hours' } },
      frequencyMinutes: 12 * 60,
      fireOncePerObject: true,
    }));
    const t = Date.now();
    await runDueRules(deps(t));
    const [paused] = await runsOf(rule.id);
    assert.equal(paused.objects[0].action, 'pause_campaign');
    assert.equal(paused.objects[0].outcome, 'done');
    assert.equal(paused.objects[0].restartAt, new Date(t + 2 * HOUR).toISOString());
    assert.equal((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.status, 'paused');
    const shown = await server.api('GET', `/api/v1/rules/${rule.id}`);
    assert.deepEqual(shown.body.pendingRestarts, [{ campaignId: campaign.id, placement: null, dueAt: new Date(t + 2 * HOUR).toISOString() }]);
    await server.edge.snapshots.refresh();
    assert.equal((await fixture.click(campaign, 'zoneA', '0')).location, FALLBACK_URL, 'a paused campaign sends its clicks to the fallback');

    // Not yet at +1 h 59 min.
    await runDueRules(deps(t + 2 * HOUR - MINUTE));
    assert.equal((await runsOf(rule.id)).length, 1);
    assert.equal((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.status, 'paused');

    // At +2 h (fresh deps: only storage remembers the restart) the campaign is resumed and the round logged.
    await runDueRules(deps(t + 2 * HOUR));
    const [restart] = await runsOf(rule.id);
    assert.equal(restart.trigger, 'restart');
    assert.equal(restart.window, null);
    assert.deepEqual(restart.objects.map((o: any) => [o.campaignId, o.action, o.outcome]), [[campaign.id, 'resume_campaign', 'done']]);
    assert.deepEqual(restart.objects[0].report, { waypost: 'done', channel: { state: 'not_integrated' } });
    assert.equal((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.status, 'active');
    assert.deepEqual((await server.api('GET', `/api/v1/rules/${rule.id}`)).body.pendingRestarts, []);
    await server.edge.snapshots.refresh();
    assert.ok((await fixture.click(campaign, 'zoneA', '0')).clickId, 'clicks reach the offer again');

    // The restart lifted the fire-once mark: the next evaluation (12 h later, the clicks still in its window) pauses it again.
    await runDueRules(deps(t + 12 * HOUR));
    const [next] = await runsOf(rule.id);
    assert.equal(next.trigger, 'schedule');
    assert.equal(next.objects[0].outcome, 'done');
  });

  test('a paused rule is not evaluated, but the restarts it owes still happen', async () => {
    const fixture = await ruleFixture(server);
    await fixture.clicks(fixture.campaign, 'zoneA', 3, '10.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, objectLevel: 'placement', placementDimension: 'sub1' },
      action: { type: 'pause_and_restart', restartAfter: { amount: 30, unit: 'minutes' } },
    }));
    const t = Date.now();
    await runDueRules(deps(t));
    assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.blockedPlacements, [{ dimension: 'sub1', value: 'zoneA' }]);
    assert.equal((await server.api('PATCH', `/api/v1/rules/${rule.id}`, { status: 'paused' })).status, 200);
    await runDueRules(deps(t + 30 * MINUTE));
    const runs = await runsOf(rule.id);
    assert.deepEqual(runs.map((run) => run.trigger), ['restart', 'schedule'], 'the restart ran; the paused rule was not evaluated');
    assert.deepEqual(runs[0].objects.map((o: any) => [o.placement.value, o.action, o.outcome]), [['zoneA', 'unblock_placement', 'done']]);
    assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${fixture.campaign.id}`)).body.blockedPlacements, []);
  });

  test('the schedule window: inside it the rule runs, outside it does not', async () => {
    const fixture = await ruleFixture(server);
    await fixture.clicks(fixture.campaign, 'zoneA', 1, '1.00');
    const now = Date.now();
    const zone = 'Asia/Kolkata'; // +05:30: hours in the zone are not UTC's
    const clock = localClock(now, zone);
    const base = { conditions: [{ metric: 'clicks', op: '>=', value: 1 }], action: { type: 'notify_webhook', url: 'http://127.0.0.1:9/never-called' }, timeZone: zone };
    const inside = await createVia(server, 'rules', ruleBody(fixture.channel.id, { ...base, schedule: { days: [clock.dayOfWeek], hours: [clock.hour] }, action: { type: 'resume' } }));
    const otherHour = await createVia(server, 'rules', ruleBody(fixture.channel.id, { ...base, schedule: { days: [clock.dayOfWeek], hours: [(clock.hour + 1) % 24] } }));
    const otherDay = await createVia(server, 'rules', ruleBody(fixture.channel.id, { ...base, schedule: { days: [(clock.dayOfWeek % 7) + 1], hours: [clock.hour] } }));
    await runDueRules(deps(now));
    assert.equal((await runsOf(inside.id)).length, 1, 'inside its hours and days: evaluated');
    assert.equal((await runsOf(otherHour.id)).length, 0, 'another hour: not evaluated');
    assert.equal((await runsOf(otherDay.id)).length, 0, 'another day: not evaluated');
    assert.equal((await server.api('GET', `/api/v1/rules/${otherHour.id}`)).body.lastEvaluatedAt, null);
    for (const rule of [inside, otherHour, otherDay]) await server.api('DELETE', `/api/v1/rules/${rule.id}`);
  });

  test('fire once per object: skipped while acted on, again once the placement is unblocked, again once the rule is edited', async () => {
    const fixture = await ruleFixture(server);
    const { campaign } = fixture;
    await fixture.clicks(campaign, 'zoneA', 11, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { fireOncePerObject: true, frequencyMinutes: 10 }));
    const t = Date.now();
    await runDueRules(deps(t));
    assert.equal((await runsOf(rule.id))[0].objects[0].outcome, 'done');

    await runDueRules(deps(t + 10 * MINUTE));
    const [skipped] = await runsOf(rule.id);
    assert.equal(skipped.objects[0].outcome, 'skipped');
    assert.equal(skipped.objects[0].report, null, 'no action was made');
    assert.match(skipped.objects[0].reason, /^fire once: the rule acted on it at /);
    assert.deepEqual(skipped.objects[0].values, { cost: 22, conversions: 0 }, 'it still matched, with its values');
    const dry = await server.api('POST', `/api/v1/rules/${rule.id}/dry-run`);
    assert.equal(dry.body.objects[0].wouldAct, false, 'the dry run shows the skip too');
    assert.match(dry.body.objects[0].reason, /^fire once/);

    // A person unblocks the placement: it has been resumed, so the rule may act on it again.
    const unblocked = await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { blockedPlacements: [] });
    assert.equal(unblocked.status, 200, JSON.stringify(unblocked.body));
    await runDueRules(deps(t + 20 * MINUTE));
    const [reblocked] = await runsOf(rule.id);
    assert.equal(reblocked.objects[0].outcome, 'done');
    assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.blockedPlacements, [{ dimension: 'sub1', value: 'zoneA' }]);

    await runDueRules(deps(t + 30 * MINUTE));
    assert.equal((await runsOf(rule.id))[0].objects[0].outcome, 'skipped');

    // Editing the rule lifts its marks: the next evaluation acts (and finds the zone already blocked).
    assert.equal((await server.api('PATCH', `/api/v1/rules/${rule.id}`, { name: 'Renamed' })).status, 200);
    await runDueRules(deps(t + 40 * MINUTE));
    assert.equal((await runsOf(rule.id))[0].objects[0].outcome, 'unchanged');
  });

  test('one rule never runs twice at once: the lease in storage lets one runner in', async () => {
    const fixture = await ruleFixture(server);
    await fixture.clicks(fixture.campaign, 'zoneA', 11, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id));
    const now = Date.now();
    await Promise.all([runDueRules(deps(now)), runDueRules(deps(now)), runDueRules(deps(now))]);
    assert.equal((await runsOf(rule.id)).length, 1);

    // A runner (here: the test) holds it for two hours and dies without giving it back.
    assert.ok(await server.store.rules.claim(rule.id, now, 2 * HOUR));
    assert.equal(await server.store.rules.claim(rule.id, now + MINUTE, 2 * HOUR), undefined, 'held');
    await runDueRules(deps(now + 60 * MINUTE));
    assert.equal((await runsOf(rule.id)).length, 1, 'a held rule is skipped by the tick, though due');
    await runDueRules(deps(now + 2 * HOUR));
    assert.equal((await runsOf(rule.id)).length, 2, 'a lease its holder never gave back runs out');
  });

  test('a runner renews its lease while an evaluation outlasts it, so no other runner starts the rule meanwhile', async () => {
    const fixture = await ruleFixture(server);
    await fixture.clicks(fixture.campaign, 'zoneSlow', 11, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id));
    // A channel that takes a second per call, under a lease of 300 ms, on the real clock.
    let acting!: () => void;
    const firstActs = new Promise<void>((resolve) => (acting = resolve));
    const slow = (now: () => number): DueRuleDeps => {
      const base = deps(0);
      const blockPlacement: typeof base.actions.blockPlacement = async (...args) => {
        acting();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return base.actions.blockPlacement(...args);
      };
      return { ...base, now, leaseMs: 300, actions: { ...base.actions, blockPlacement } };
    };
    const first = runDueRules(slow(Date.now));
    // The first runner holds the rule and is in its channel call; its lease would have run out twice.
    await firstActs;
    await new Promise((resolve) => setTimeout(resolve, 650));
    const second = await runDueRules(slow(Date.now));
    assert.deepEqual(second.filter((run) => run.ruleId === rule.id), [], 'the rule is still held: its lease was renewed');
    await first;
    assert.equal((await runsOf(rule.id)).length, 1);
  });

  test('offer weight and resume actions change the campaign', async () => {
    const fixture = await ruleFixture(server);
    const { campaign } = fixture;
    await fixture.clicks(campaign, 'zoneA', 2, '1.00');
    const weight = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, objectLevel: 'campaign' },
      conditions: [{ metric: 'clicks', op: '>=', value: 2 }],
      action: { type: 'set_offer_weight', offerId: fixture.offer.id, weight: 0 },
    }));
    await runDueRules(deps(Date.now()));
    const [run] = await runsOf(weight.id);
    assert.deepEqual(run.objects.map((o: any) => [o.action, o.outcome]), [['set_offer_weight', 'done']]);
    assert.equal((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.funnel.paths[0].offers[0].weight, 0);
    await server.api('PATCH', `/api/v1/rules/${weight.id}`, { status: 'paused' });

    await server.api('PATCH', `/api/v1/campaigns/${campaign.id}`, { status: 'paused' });
    const resume = await createVia(server, 'rules', ruleBody(fixture.channel.id, {
      scope: { trafficChannelId: fixture.channel.id, campaignIds: [campaign.id], objectLevel: 'campaign' },
      conditions: [{ metric: 'clicks', op: '>', value: 0 }],
      action: { type: 'resume' },
    }));
    await runDueRules(deps(Date.now()));
    assert.deepEqual((await runsOf(resume.id))[0].objects.map((o: any) => [o.action, o.outcome]), [['resume_campaign', 'done']]);
    assert.equal((await server.api('GET', `/api/v1/campaigns/${campaign.id}`)).body.status, 'active');
  });

  describe('webhooks', () => {
    let hooks: Server;
    let hookUrl: string;
    const received: { path: string; body: any }[] = [];
    let failuresLeft = 0;

    before(async () => {
      hooks = createServer((request, response) => {
        let text = '';
        request.on('data', (chunk) => (text += chunk));
        request.on('end', () => {
          received.push({ path: request.url!, body: JSON.parse(text) });
          if (failuresLeft > 0 || request.url === '/always-fails') {
            failuresLeft -= 1;
            response.writeHead(503).end('busy');
          } else {
            response.writeHead(200).end('ok');
          }
        });
      });
      await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => hooks.close(() => resolve())));

    test('a webhook rule posts every matched object with its values once per evaluation, retrying a failing endpoint', async () => {
      const fixture = await ruleFixture(server, { campaigns: 2 });
      await fixture.clicks(fixture.campaigns[0], 'zoneA', 11, '2.00');
      await fixture.clicks(fixture.campaigns[1], 'zoneB', 21, '1.00');
      const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { name: 'Alert', action: { type: 'notify_webhook', url: `${hookUrl}/alert` } }));
      failuresLeft = 1;
      received.length = 0;
      const now = Date.now();
      await runDueRules(deps(now));
      assert.equal(received.length, 2, 'the first try answered 503; the second succeeded');
      const body = received[1]!.body;
      assert.equal(body.event, 'rule.matched');
      assert.deepEqual(body.rule.id, rule.id);
      assert.equal(body.rule.name, 'Alert');
      assert.equal(body.evaluatedAt, new Date(now).toISOString());
      assert.deepEqual(
        body.objects.sort((a: any, b: any) => a.campaignId - b.campaignId),
        [
          { campaignId: fixture.campaigns[0].id, campaignName: 'Campaign 1', placement: { dimension: 'sub1', value: 'zoneA' }, values: { cost: 22, conversions: 0 } },
          { campaignId: fixture.campaigns[1].id, campaignName: 'Campaign 2', placement: { dimension: 'sub1', value: 'zoneB' }, values: { cost: 21, conversions: 0 } },
        ],
      );
      const [run] = await runsOf(rule.id);
      assert.equal(run.state, 'succeeded');
      assert.deepEqual(run.objects.map((o: any) => [o.action, o.outcome, o.webhook.state, o.webhook.attempts]), [['notify_webhook', 'done', 'succeeded', 2], ['notify_webhook', 'done', 'succeeded', 2]]);
      assert.deepEqual((await server.api('GET', `/api/v1/campaigns/${fixture.campaigns[0].id}`)).body.blockedPlacements, [], 'a webhook changes nothing');
    });

    test('a webhook that keeps failing is logged as failed after its retries; a private address is refused without being called', async () => {
      const fixture = await ruleFixture(server);
      await fixture.clicks(fixture.campaign, 'zoneA', 11, '2.00');
      const failing = await createVia(server, 'rules', ruleBody(fixture.channel.id, { action: { type: 'notify_webhook', url: `${hookUrl}/always-fails` } }));
      const refused = await createVia(server, 'rules', ruleBody(fixture.channel.id, { action: { type: 'notify_webhook', url: 'http://10.1.2.3/hook' } }));
      received.length = 0;
      await runDueRules(deps(Date.now()));
      assert.equal(received.length, 3);
      const [run] = await runsOf(failing.id);
      assert.equal(run.state, 'failed');
      assert.equal(run.objects[0].outcome, 'failed');
      assert.deepEqual({ ...run.objects[0].webhook }, { state: 'failed', attempts: 3, statusCode: 503, error: 'HTTP 503: busy' });
      assert.match(run.objects[0].reason, /the webhook failed after 3 attempts: HTTP 503: busy/);
      const [refusedRun] = await runsOf(refused.id);
      assert.equal(refusedRun.objects[0].outcome, 'failed');
      assert.equal(refusedRun.objects[0].webhook.attempts, 1);
      assert.match(refusedRun.objects[0].webhook.error, /refused: 10\.1\.2\.3 is a private address/);
      for (const rule of [failing, refused]) await server.api('DELETE', `/api/v1/rules/${rule.id}`);
    });
  });

  test('an archived campaign is skipped: nothing can change it any more', async () => {
    const fixture = await ruleFixture(server);
    await fixture.clicks(fixture.campaign, 'zoneA', 11, '2.00');
    assert.equal((await server.api('DELETE', `/api/v1/campaigns/${fixture.campaign.id}`)).status, 200);
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id));
    const dry = await server.api('POST', `/api/v1/rules/${rule.id}/dry-run`);
    assert.deepEqual(dry.body.objects.map((o: any) => [o.wouldAct, o.reason]), [[false, 'the campaign is archived']]);
    await runDueRules(deps(Date.now()));
    const [run] = await runsOf(rule.id);
    assert.equal(run.state, 'succeeded');
    assert.deepEqual(run.objects.map((o: any) => [o.outcome, o.reason, o.report]), [['skipped', 'the campaign is archived', null]]);
  });

  test('the log is paged by cursor, newest first', async () => {
    const fixture = await ruleFixture(server);
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { frequencyMinutes: 1 }));
    const t = Date.now();
    for (let i = 0; i < 3; i++) await runDueRules(deps(t + i * MINUTE));
    const first = await logOf(rule.id, '?limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.items[0].id > first.items[1].id);
    assert.equal(first.items[0].at, new Date(t + 2 * MINUTE).toISOString());
    assert.equal(first.items[0].matched, 0, 'nothing matched: the evaluation is logged all the same');
    assert.ok(first.nextCursor);
    const second = await logOf(rule.id, `?limit=2&cursor=${first.nextCursor}`);
    assert.deepEqual(second.items.map((item: any) => item.at), [new Date(t).toISOString()]);
    assert.equal(second.nextCursor, null);
  });
});
