import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { FALLBACK_URL, ruleBody, ruleFixture } from './rule-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('rules API: create, validate, dry run', () => {
  let server: TestServer;
  /** The edge's clock: clicks are recorded at this time (real time unless a test moves it). */
  let clickTime: number | undefined;
  let fixture: Awaited<ReturnType<typeof ruleFixture>>;

  before(async () => {
    server = await startTestServer({ detector: 'null', now: () => clickTime ?? Date.now() });
    fixture = await ruleFixture(server, { campaigns: 2 });
  });
  after(() => server.close());

  test('a rule is created with its defaults, read, listed by channel, changed and archived', async () => {
    const created = await createVia(server, 'rules', ruleBody(fixture.channel.id, { name: 'Losing zones' }));
    assert.equal(created.status, 'active');
    assert.deepEqual(created.scope, { trafficChannelId: fixture.channel.id, campaignIds: [], objectLevel: 'placement', placementDimension: 'sub1' });
    assert.equal(created.fireOncePerObject, false);
    assert.equal(created.schedule, null);
    assert.equal(created.timeZone, 'UTC');
    assert.equal(created.lastEvaluatedAt, null);
    assert.deepEqual(created.pendingRestarts, []);

    const listed = await server.api('GET', `/api/v1/rules?trafficChannelId=${fixture.channel.id}`);
    assert.equal(listed.status, 200);
    assert.ok(listed.body.items.some((rule: any) => rule.id === created.id));
    const otherChannel = await server.api('GET', `/api/v1/rules?trafficChannelId=${fixture.channel.id + 1000}`);
    assert.equal(otherChannel.body.items.length, 0);

    const changed = await server.api('PATCH', `/api/v1/rules/${created.id}`, {
      schedule: { days: [1, 2, 3, 4, 5], hours: [9, 10, 11] },
      timeZone: 'America/New_York',
      action: { type: 'pause_and_restart', restartAfter: { amount: 6, unit: 'hours' } },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.schedule, { days: [1, 2, 3, 4, 5], hours: [9, 10, 11] });
    assert.deepEqual(changed.body.action, { type: 'pause_and_restart', restartAfter: { amount: 6, unit: 'hours' } });
    assert.equal(changed.body.name, 'Losing zones', 'fields left out keep their value');

    const archived = await server.api('DELETE', `/api/v1/rules/${created.id}`);
    assert.equal(archived.body.status, 'archived');
    assert.equal((await server.api('GET', `/api/v1/rules/${created.id}`)).body.status, 'archived');
  });

  test('bad rules answer 400 naming the field', async () => {
    const channelId = fixture.channel.id;
    const cases: [string, Record<string, unknown>, string][] = [
      ['a placement action on a campaign rule', { scope: { trafficChannelId: channelId, objectLevel: 'campaign' }, action: { type: 'block_placement' } }, 'action.type'],
      ['an offer weight on a placement rule', { action: { type: 'set_offer_weight', offerId: fixture.offer.id, weight: 0 } }, 'action.type'],
      ['a placement rule without its dimension', { scope: { trafficChannelId: channelId, objectLevel: 'placement' } }, 'scope.placementDimension'],
      ['an unknown metric', { conditions: [{ metric: 'cost', op: '>', value: 1 }, { metric: 'happiness', op: '>', value: 1 }] }, 'conditions[1].metric'],
      ['an unknown operator', { conditions: [{ metric: 'cost', op: '>>', value: 1 }] }, 'conditions[0].op'],
      ['a per-type metric without its type', { conditions: [{ metric: 'conversionsByType', op: '=', value: 0 }] }, 'conditions[0].conversionType'],
      ['no condition', { conditions: [] }, 'conditions'],
      ['a webhook URL that is not http(s)', { action: { type: 'notify_webhook', url: 'ftp://hooks.example/rule' } }, 'action.url'],
      ['a webhook URL that is no URL', { action: { type: 'notify_webhook', url: 'hooks' } }, 'action.url'],
      ['an unknown action', { action: { type: 'explode' } }, 'action.type'],
      ['an unknown placement dimension', { scope: { trafficChannelId: channelId, objectLevel: 'placement', placementDimension: 'sub21' } }, 'scope.placementDimension'],
      ['an unknown traffic channel', { scope: { trafficChannelId: 99_999, objectLevel: 'placement', placementDimension: 'sub1' } }, 'scope.trafficChannelId'],
      ['a campaign that does not exist', { scope: { trafficChannelId: channelId, campaignIds: [99_999], objectLevel: 'placement', placementDimension: 'sub1' } }, 'scope.campaignIds[0]'],
      ['a window of 0 hours', { window: { amount: 0, unit: 'hours' } }, 'window.amount'],
      ['a window over 90 days', { window: { amount: 91, unit: 'days' } }, 'window.amount'],
      ['a check frequency of 0', { frequencyMinutes: 0 }, 'frequencyMinutes'],
      ['hour 24 in the schedule', { schedule: { days: [1], hours: [24] } }, 'schedule.hours[0]'],
      ['day 0 in the schedule (days are 1 = Monday … 7 = Sunday)', { schedule: { days: [0], hours: [9] } }, 'schedule.days[0]'],
      ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
      ['a restart period of 0', { action: { type: 'pause_and_restart', restartAfter: { amount: 0, unit: 'hours' } } }, 'action.restartAfter.amount'],
      ['an offer that does not exist', { scope: { trafficChannelId: channelId, objectLevel: 'campaign' }, action: { type: 'set_offer_weight', offerId: 99_999, weight: 10 } }, 'action.offerId'],
    ];
    for (const [what, fields, field] of cases) {
      const response = await server.api('POST', '/api/v1/rules', ruleBody(channelId, fields));
      assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, `${what}: ${JSON.stringify(response.body)}`);
    }

    // A campaign of another channel cannot be in the scope.
    const other = await ruleFixture(server);
    const foreign = await server.api('POST', '/api/v1/rules', ruleBody(channelId, { scope: { trafficChannelId: channelId, campaignIds: [fixture.campaign.id, other.campaign.id], objectLevel: 'campaign' }, action: { type: 'pause' } }));
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.field, 'scope.campaignIds[1]');
    assert.match(foreign.body.error.message, /another traffic channel/);

    // A change is checked as a whole: turning a placement rule into a campaign rule keeps block_placement → 400.
    const rule = await createVia(server, 'rules', ruleBody(channelId));
    const patched = await server.api('PATCH', `/api/v1/rules/${rule.id}`, { scope: { trafficChannelId: channelId, objectLevel: 'campaign' } });
    assert.equal(patched.status, 400);
    assert.equal(patched.body.error.field, 'action.type');

    assert.equal((await server.api('POST', '/api/v1/rules/99999/dry-run')).status, 404);
    assert.equal((await server.api('GET', '/api/v1/rules/99999/log')).status, 404);
    const badCursor = await server.api('GET', `/api/v1/rules/${rule.id}/log?cursor=nonsense`);
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.field, 'cursor');
  });

  test('cost > 20 and conversions = 0 over 24 h: the dry run lists the zones that match, with their values, and changes nothing', async () => {
    // Worked by hand, campaign 1 over the last 24 h (cost from the click's cost=, conversions by postback):
    //   zoneA 11 clicks × 2.00 = 22.00, no conversion               → cost 22 > 20, conversions 0 = 0: matches
    //   zoneB 11 clicks × 2.00 = 22.00, one conversion of 5.00     → conversions 1: no
    //   zoneC 10 clicks × 2.00 = 20.00, no conversion               → cost 20 is not > 20: no
    //   zoneD  3 clicks × 2.00 =  6.00 two days ago + 9 × 2.00 now = 18.00 in the window: no (24.00 over 48 h)
    // campaign 2: zoneA 12 clicks × 2.00 = 24.00, no conversion     → matches: placements are per campaign
    const [one, two] = fixture.campaigns;
    clickTime = Date.now() - 2 * DAY;
    await fixture.clicks(one, 'zoneD', 3, '2.00');
    clickTime = undefined;
    await fixture.clicks(one, 'zoneA', 11, '2.00');
    const zoneB = await fixture.clicks(one, 'zoneB', 11, '2.00');
    await fixture.convert(zoneB[0]!, '5.00');
    await fixture.clicks(one, 'zoneC', 10, '2.00');
    await fixture.clicks(one, 'zoneD', 9, '2.00');
    await fixture.clicks(two, 'zoneA', 12, '2.00');

    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { name: 'Cost without conversions' }));
    const dry = await server.api('POST', `/api/v1/rules/${rule.id}/dry-run`);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.checked, 5, 'four zones of campaign 1 and one of campaign 2 had traffic in the window');
    const objects = dry.body.objects.map((o: any) => ({ campaignId: o.campaignId, zone: o.placement.value, values: o.values, action: o.action, wouldAct: o.wouldAct }));
    assert.deepEqual(
      objects.sort((a: any, b: any) => a.campaignId - b.campaignId),
      [
        { campaignId: one.id, zone: 'zoneA', values: { cost: 22, conversions: 0 }, action: 'block_placement', wouldAct: true },
        { campaignId: two.id, zone: 'zoneA', values: { cost: 24, conversions: 0 }, action: 'block_placement', wouldAct: true },
      ],
    );
    const first = dry.body.objects.find((o: any) => o.campaignId === one.id);
    assert.equal(first.reason, 'cost 22 > 20 and conversions 0 = 0');
    assert.equal(first.campaignName, 'Campaign 1');
    assert.deepEqual(first.placement, { dimension: 'sub1', value: 'zoneA' });
    assert.equal(Date.parse(dry.body.window.to) - Date.parse(dry.body.window.from), DAY);

    // Nothing was done: the zone still goes to the offer, the campaign is unchanged, the log is empty.
    assert.ok((await fixture.click(one, 'zoneA', '0.01')).clickId, 'zoneA still reaches the offer');
    const campaign = await server.api('GET', `/api/v1/campaigns/${one.id}`);
    assert.deepEqual(campaign.body.blockedPlacements ?? [], []);
    assert.equal(campaign.body.status, 'active');
    assert.deepEqual((await server.api('GET', `/api/v1/rules/${rule.id}/log`)).body, { items: [], nextCursor: null });

    // The same body unsaved, limited to campaign 2, gives only campaign 2's zone.
    const unsaved = await server.api('POST', '/api/v1/rules/dry-run', ruleBody(fixture.channel.id, { scope: { trafficChannelId: fixture.channel.id, campaignIds: [two.id], objectLevel: 'placement', placementDimension: 'sub1' } }));
    assert.equal(unsaved.status, 200, JSON.stringify(unsaved.body));
    assert.deepEqual(unsaved.body.objects.map((o: any) => [o.campaignId, o.placement.value]), [[two.id, 'zoneA']]);
    // …and a bad unsaved body is a 400 naming the field, as when saving.
    const bad = await server.api('POST', '/api/v1/rules/dry-run', ruleBody(fixture.channel.id, { conditions: [{ metric: 'nope', op: '>', value: 1 }] }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'conditions[0].metric');

    // At campaign level the same conditions read whole campaigns: campaign 1 has a conversion, campaign 2 none.
    const campaignLevel = await server.api('POST', '/api/v1/rules/dry-run', ruleBody(fixture.channel.id, { scope: { trafficChannelId: fixture.channel.id, objectLevel: 'campaign' }, action: { type: 'pause' } }));
    assert.deepEqual(campaignLevel.body.objects.map((o: any) => [o.campaignId, o.placement, o.values, o.action]), [[two.id, null, { cost: 24, conversions: 0 }, 'pause_campaign']]);
  });

  test('ROI < -50 % over 3 days with at least 20 clicks (a smaller fixture of the 200-click rule)', async () => {
    // Worked by hand, a fresh channel; clicks 2 days ago are in the 3-day window, 4 days ago are not:
    //   zoneP 20 clicks × 0.50 = 10.00, one conversion of 4.00 → ROI (4 - 10) / 10 = -60 %, 20 clicks: matches
    //   zoneQ 20 clicks × 0.50 = 10.00, one conversion of 6.00 → ROI -40 %: no
    //   zoneR 10 clicks × 1.00 = 10.00, no conversion          → ROI -100 % but 10 clicks: no
    //   zoneS 20 clicks × 0.50 four days ago (outside) + 5 × 1.00 two days ago → 5 clicks, ROI -100 %: no
    //   zoneT 25 clicks, cost 0 (cost=0), one conversion of 1.00 → ROI has no value without cost: meets no condition
    const own = await ruleFixture(server);
    const campaign = own.campaign;
    clickTime = Date.now() - 4 * DAY;
    await own.clicks(campaign, 'zoneS', 20, '0.50');
    clickTime = Date.now() - 2 * DAY;
    const p = await own.clicks(campaign, 'zoneP', 20, '0.50');
    const q = await own.clicks(campaign, 'zoneQ', 20, '0.50');
    await own.clicks(campaign, 'zoneR', 10, '1.00');
    await own.clicks(campaign, 'zoneS', 5, '1.00');
    const t = await own.clicks(campaign, 'zoneT', 25, '0');
    clickTime = undefined;
    await own.convert(p[3]!, '4.00');
    await own.convert(q[7]!, '6.00');
    await own.convert(t[0]!, '1.00');

    const body = ruleBody(own.channel.id, {
      conditions: [
        { metric: 'roi', op: '<', value: -50 },
        { metric: 'clicks', op: '>=', value: 20 },
      ],
      window: { amount: 3, unit: 'days' },
    });
    const dry = await server.api('POST', '/api/v1/rules/dry-run', body);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.checked, 5);
    assert.deepEqual(dry.body.objects.map((o: any) => [o.placement.value, o.values]), [['zoneP', { roi: -60, clicks: 20 }]]);
    assert.equal(dry.body.objects[0].reason, 'roi -60 < -50 and clicks 20 >= 20');

    // The window is what decides zoneS: over 5 days it has 25 clicks at ROI -100 % and matches too.
    const wider = await server.api('POST', '/api/v1/rules/dry-run', { ...body, window: { amount: 5, unit: 'days' } });
    assert.deepEqual(wider.body.objects.map((o: any) => [o.placement.value, o.values]).sort(), [['zoneP', { roi: -60, clicks: 20 }], ['zoneS', { roi: -100, clicks: 25 }]]);

    // Other operators and metrics, on the same rows: CR in percent, EPC in money, a conversion type's count.
    const cr = await server.api('POST', '/api/v1/rules/dry-run', ruleBody(own.channel.id, { conditions: [{ metric: 'cr', op: '=', value: 5 }, { metric: 'epc', op: '!=', value: 0.3 }], window: { amount: 3, unit: 'days' } }));
    // zoneP: 1/20 = 5 %, EPC 4/20 = 0.20; zoneQ: 5 %, EPC 0.30 (excluded by !=); zoneT: 1/25 = 4 %.
    assert.deepEqual(cr.body.objects.map((o: any) => [o.placement.value, o.values]), [['zoneP', { cr: 5, epc: 0.2 }]]);
    const byType = await server.api('POST', '/api/v1/rules/dry-run', ruleBody(own.channel.id, { conditions: [{ metric: 'conversionsByType', conversionType: 'Purchase', op: '<=', value: 0 }, { metric: 'clicks', op: '>', value: 20 }], window: { amount: 3, unit: 'days' } }));
    assert.deepEqual(byType.body.objects.map((o: any) => [o.placement.value, o.values]), [['zoneT', { 'conversionsByType:Purchase': 0, clicks: 25 }]]);
  });
});

describe('rules API: run now', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ detector: 'null' });
  });
  after(() => server.close());

  test('a paused rule run by hand acts at once, logs the run as manual, and stays paused; a held or archived rule answers 409', async () => {
    const fixture = await ruleFixture(server);
    const [campaign] = fixture.campaigns;
    await fixture.clicks(campaign, 'zoneX', 11, '2.00');
    await fixture.clicks(campaign, 'zoneY', 3, '2.00');
    const rule = await createVia(server, 'rules', ruleBody(fixture.channel.id, { name: 'Tried once', status: 'paused' }));
    assert.equal(rule.status, 'paused');

    const run = await server.api('POST', `/api/v1/rules/${rule.id}/run`);
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.trigger, 'manual');
    assert.equal(run.body.state, 'succeeded');
    assert.equal(run.body.checked, 2, 'zoneX and zoneY had traffic in the window');
    assert.deepEqual(
      run.body.objects.map((o: any) => [o.placement.value, o.values, o.action, o.outcome, o.report]),
      [['zoneX', { cost: 22, conversions: 0 }, 'block_placement', 'done', { waypost: 'done', channel: { state: 'not_integrated' } }]],
    );
    // It acted: the zone now goes to the campaign's fallback, the other zone still to the offer.
    await server.edge.snapshots.refresh();
    assert.equal((await fixture.click(campaign, 'zoneX', '0.01')).location, FALLBACK_URL);
    assert.ok((await fixture.click(campaign, 'zoneY', '0.01')).clickId);

    const log = await server.api('GET', `/api/v1/rules/${rule.id}/log`);
    assert.deepEqual(log.body.items.map((item: any) => [item.id, item.trigger]), [[run.body.id, 'manual']]);
    const after = await server.api('GET', `/api/v1/rules/${rule.id}`);
    assert.equal(after.body.status, 'paused', 'running by hand does not switch the rule on');
    assert.equal(after.body.lastEvaluatedAt, run.body.at, 'the schedule counts from the manual run');

    // Another runner holds the rule: 409, nothing evaluated, the log unchanged.
    const token = await server.store.rules.claim(rule.id, Date.now(), HOUR);
    assert.ok(token);
    const held = await server.api('POST', `/api/v1/rules/${rule.id}/run`);
    assert.equal(held.status, 409, JSON.stringify(held.body));
    assert.equal(held.body.error.field, 'id');
    assert.match(held.body.error.message, /being evaluated right now/);
    await server.store.rules.release(rule.id, token, null);
    assert.equal((await server.api('GET', `/api/v1/rules/${rule.id}/log`)).body.items.length, 1);

    // Released, it runs again: without fire-once it finds the zone already blocked.
    const again = await server.api('POST', `/api/v1/rules/${rule.id}/run`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.objects.map((o: any) => [o.placement.value, o.outcome]), [['zoneX', 'unchanged']]);

    assert.equal((await server.api('POST', '/api/v1/rules/99999/run')).status, 404);
    await server.api('DELETE', `/api/v1/rules/${rule.id}`);
    const archived = await server.api('POST', `/api/v1/rules/${rule.id}/run`);
    assert.equal(archived.status, 409);
    assert.match(archived.body.error.message, /archived/);
  });
});
