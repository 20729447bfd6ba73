import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Campaign } from './campaign.js';
import { checkCampaignChannelPostback, decideChannelPostback, decimalFromMicros, type ChannelPostbackInput } from './channel-postback.js';
import type { Conversion } from './conversion.js';
import type { ConversionType } from './conversion-type.js';
import type { TrafficChannel } from './traffic-channel.js';

const meta = { status: 'active' as const, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', archivedAt: null };

function channel(changes: Partial<TrafficChannel> = {}): TrafficChannel {
  return {
    id: 3,
    name: 'Zeropark',
    templateKey: null,
    parameters: [],
    costModel: 'cpc',
    currency: 'USD',
    postbackUrl: 'https://zp-postback.com/zppostback/abc?cid={ref_id}&payout={payout}',
    postbackStatuses: ['approved'],
    postbackPayoutPercent: 100,
    postbackTypes: [],
    ...meta,
    ...changes,
  };
}

function campaign(changes: Partial<Campaign> = {}): Campaign {
  return {
    id: 7,
    key: 'k3x9pq2m',
    name: 'Watch US',
    trafficChannelId: 3,
    costModel: 'cpc',
    costValue: 0,
    redirectMode: '302',
    funnel: { rules: [], paths: [] } as unknown as Campaign['funnel'],
    fallbackUrl: null,
    trackingDomain: null,
    timeZone: 'UTC',
    uniquenessWindowHours: 24,
    postbackValues: {},
    channelPostback: { enabled: true, statuses: null, types: null, payoutPercent: null },
    channelCampaignId: null,
    blockedPlacements: [],
    ...meta,
    ...changes,
  };
}

function conversion(changes: Partial<Conversion> = {}): Conversion {
  return {
    id: 41,
    clickId: '1hwt0d7g0gcw74x6wqhrj0t945nz8',
    convertedAt: 1_700_000_000_000,
    clickAt: 1_699_999_000_000,
    updatedAt: 1_700_000_000_000,
    type: null,
    status: 'approved',
    payout: 12_500_000,
    originalPayout: 12_500_000,
    originalCurrency: 'USD',
    eventId: null,
    duplicateStatus: 'unknown',
    origin: 'postback',
    postbackCount: 1,
    campaignId: 7,
    trafficChannelId: 3,
    offerSourceId: 1,
    offerId: 2,
    landerId: null,
    ruleIndex: -1,
    pathIndex: 0,
    refId: 'zp-click-77',
    subs: ['zone 9', 'sub2value'],
    country: 'US',
    region: '',
    city: '',
    isp: '',
    deviceType: 'mobile',
    os: 'iOS',
    browser: 'Safari',
    isBot: false,
    params: {},
    personalData: {} as Conversion['personalData'],
    ...changes,
  };
}

const type = (name: string, sendToChannel: boolean): ConversionType => ({ id: 1, name, duplicateMode: null, showInJourney: false, sendToChannel, ...meta });
const decide = (input: Partial<ChannelPostbackInput>) =>
  decideChannelPostback({ conversion: conversion(), campaign: campaign(), channel: channel(), conversionType: undefined, accountCurrency: 'USD', ...input });

test("the channel's template gets the click's ref_id, the payout and the other macros, URL-encoded", () => {
  const decision = decide({
    channel: channel({ postbackUrl: 'https://ch.example/pb?cid={ref_id}&p={payout}&cur={currency}&t={type}&s={status}&c={campaign_id}&o={offer_id}&z={sub1}&geo={country}&w={clickid}' }),
    conversion: conversion({ type: 'Sale' }),
  });
  assert.equal(decision.outcome, 'send');
  assert.equal(decision.outcome === 'send' && decision.url, 'https://ch.example/pb?cid=zp-click-77&p=12.5&cur=USD&t=Sale&s=approved&c=7&o=2&z=zone%209&geo=US&w=1hwt0d7g0gcw74x6wqhrj0t945nz8');
});

test('the payout percentage of the channel applies, and the campaign can override it', () => {
  const onChannel = decide({ channel: channel({ postbackPayoutPercent: 80 }) });
  assert.equal(onChannel.outcome === 'send' && new URL(onChannel.url).searchParams.get('payout'), '10');
  const onCampaign = decide({ channel: channel({ postbackPayoutPercent: 80 }), campaign: campaign({ channelPostback: { enabled: true, statuses: null, types: null, payoutPercent: 0 } }) });
  assert.equal(onCampaign.outcome === 'send' && new URL(onCampaign.url).searchParams.get('payout'), '0');
  assert.equal(decimalFromMicros(3), '0.000003');
  assert.equal(decimalFromMicros(1_234_567_000), '1234.567');
});

test('statuses: only those of the channel are sent, unless the campaign names its own', () => {
  const pending = conversion({ status: 'pending' });
  const refused = decide({ conversion: pending });
  assert.equal(refused.outcome, 'not_sent');
  assert.match(refused.outcome === 'not_sent' ? refused.reason : '', /status pending is not among the statuses sent to the channel \(approved\)/);
  const overridden = decide({ conversion: pending, campaign: campaign({ channelPostback: { enabled: true, statuses: ['pending', 'approved'], types: null, payoutPercent: null } }) });
  assert.equal(overridden.outcome, 'send');
});

test("types: with no list, types marked sendToChannel and the plain conversion go; a list sends exactly its types", () => {
  assert.equal(decide({}).outcome, 'send', 'plain conversion');
  assert.equal(decide({ conversion: conversion({ type: 'Lead' }), conversionType: type('Lead', true) }).outcome, 'send');
  const off = decide({ conversion: conversion({ type: 'Upsell' }), conversionType: type('Upsell', false) });
  assert.match(off.outcome === 'not_sent' ? off.reason : '', /conversion type "Upsell" is not sent to channels/);

  const onlySale = channel({ postbackTypes: ['Sale'] });
  assert.equal(decide({ channel: onlySale, conversion: conversion({ type: 'Sale' }), conversionType: type('Sale', true) }).outcome, 'send');
  const plain = decide({ channel: onlySale });
  assert.match(plain.outcome === 'not_sent' ? plain.reason : '', /the plain conversion \(no type\) is not among the types sent to the channel \(Sale\)/);
  assert.equal(decide({ channel: channel({ postbackTypes: ['Sale', null] }) }).outcome, 'send', 'null in the list is the plain conversion');

  const campaignTypes = campaign({ channelPostback: { enabled: true, statuses: null, types: ['Lead'], payoutPercent: null } });
  assert.equal(decide({ channel: onlySale, campaign: campaignTypes, conversion: conversion({ type: 'Sale' }) }).outcome, 'not_sent', "the campaign's list replaces the channel's");
  assert.equal(decide({ channel: onlySale, campaign: campaignTypes, conversion: conversion({ type: 'Lead' }) }).outcome, 'send');
});

test('a campaign can turn the channel postback off; a channel without a postback URL sends nothing', () => {
  const off = decide({ campaign: campaign({ channelPostback: { enabled: false, statuses: null, types: null, payoutPercent: null } }) });
  assert.match(off.outcome === 'not_sent' ? off.reason : '', /turned off for this campaign/);
  const none = decide({ channel: channel({ postbackUrl: null }) });
  assert.match(none.outcome === 'not_sent' ? none.reason : '', /has no postback URL/);
  assert.equal(decide({ channel: undefined }).outcome, 'not_sent');
});

test('REPLACE left in the template blocks the postback with a reason naming what to set', () => {
  const propeller = channel({ postbackUrl: 'http://ad.propellerads.com/conversion.php?aid=REPLACE&pid=&tid=replace&visitor_id={ref_id}&payout={payout}' });
  const blocked = decide({ channel: propeller });
  assert.equal(blocked.outcome, 'blocked');
  assert.deepEqual(blocked.outcome === 'blocked' && blocked.problems, [
    "aid is REPLACE in the traffic channel's postback URL: set aid in the campaign's postback values",
    "tid is REPLACE in the traffic channel's postback URL: set tid in the campaign's postback values",
  ]);

  const filled = decide({ channel: propeller, campaign: campaign({ postbackValues: { aid: '2231', tid: '77 1' } }) });
  assert.equal(filled.outcome === 'send' && filled.url, 'http://ad.propellerads.com/conversion.php?aid=2231&pid=&tid=77%201&visitor_id=zp-click-77&payout=12.5');

  const pathReplace = decide({ channel: channel({ postbackUrl: 'https://ch.example/REPLACE/pb?cid={ref_id}' }) });
  assert.match(pathReplace.outcome === 'blocked' ? pathReplace.reason : '', /still contains REPLACE/);
});

test('campaign values fill {name} placeholders; a missing, empty or REPLACE value blocks', () => {
  const exo = channel({ postbackUrl: 'http://s.magsrv.com/tag.php?goal={goal}&tag={ref_id}&value={payout}' });
  const filled = decide({ channel: exo, campaign: campaign({ postbackValues: { goal: 'a1b2c3' } }) });
  assert.equal(filled.outcome === 'send' && filled.url, 'http://s.magsrv.com/tag.php?goal=a1b2c3&tag=zp-click-77&value=12.5');

  const missing = decide({ channel: exo });
  assert.match(missing.outcome === 'blocked' ? missing.reason : '', /\{goal\} has no value: set goal in the campaign's postback values/);
  const replace = decide({ channel: exo, campaign: campaign({ postbackValues: { goal: 'REPLACE' } }) });
  assert.match(replace.outcome === 'blocked' ? replace.reason : '', /^goal is REPLACE: set it in the campaign$/);
  const empty = decide({ channel: exo, campaign: campaign({ postbackValues: { goal: ' ' } }) });
  assert.match(empty.outcome === 'blocked' ? empty.reason : '', /^goal is empty: set it in the campaign$/);
});

test('an empty ref_id, an unknown macro or a macro a conversion cannot fill blocks the postback', () => {
  const noRef = decide({ conversion: conversion({ refId: '' }) });
  assert.match(noRef.outcome === 'blocked' ? noRef.reason : '', /the click has no ref_id/);
  const typo = decide({ channel: channel({ postbackUrl: 'https://ch.example/pb?cid={ref_id}&x={payuot}' }) });
  assert.match(typo.outcome === 'blocked' ? typo.reason : '', /\{payuot\} has no value/);
  const ip = decide({ channel: channel({ postbackUrl: 'https://ch.example/pb?cid={ref_id}&ip={ip}' }) });
  assert.match(ip.outcome === 'blocked' ? ip.reason : '', /\{ip\} is not available in a channel postback/);
});

test('the campaign check renders sample values and lists what to fix', () => {
  const exo = channel({ postbackUrl: 'http://s.magsrv.com/tag.php?goal={goal}&tag={ref_id}&value={payout}', postbackPayoutPercent: 50 });
  const notReady = checkCampaignChannelPostback(campaign({ postbackValues: { goal: 'REPLACE' } }), exo);
  assert.deepEqual(notReady, { ready: false, problems: ['goal is REPLACE: set it in the campaign'], previewUrl: 'http://s.magsrv.com/tag.php?goal=REPLACE&tag=channel-click-123&value=1.25' });
  const ready = checkCampaignChannelPostback(campaign({ postbackValues: { goal: 'g1' } }), exo);
  assert.deepEqual(ready, { ready: true, problems: [], previewUrl: 'http://s.magsrv.com/tag.php?goal=g1&tag=channel-click-123&value=1.25' });
  assert.equal(checkCampaignChannelPostback(campaign(), channel({ postbackUrl: null })).ready, false);
});
