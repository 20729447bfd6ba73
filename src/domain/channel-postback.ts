import { compileUrlTemplate, isKnownMacro, renderUrl, SAMPLE_MACRO_VALUES, type MacroName, type MacroValues, type UrlTemplate } from '../edge/macros.js';
import type { Campaign } from './campaign.js';
import type { ConversionStatus } from './conversion-status.js';
import type { ConversionType } from './conversion-type.js';
import type { Conversion } from './conversion.js';
import { MICROS_PER_UNIT, type Micros } from './money.js';
import type { TrafficChannel } from './traffic-channel.js';

/**
 * The postback Waypost sends to a traffic channel when a conversion arrives (DESIGN.md §1 step 6):
 * whether it is sent (the channel's and the campaign's type and status filters), and its URL, the
 * channel's template filled with the click's `{ref_id}`, the payout after the payout percentage and
 * the campaign's own values (ExoClick's `goal`, Go2Mobi's `ap_key`). A template that still says
 * REPLACE, names a value nobody gave, or needs a channel click id the click lacks is blocked with a
 * reason a person can act on, never sent half-filled.
 */

type SubIndex = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;
const SUB_MACROS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}` as `sub${SubIndex}`);

/** Macros a channel postback can fill: what a conversion knows about its click. */
export const CHANNEL_POSTBACK_MACROS: readonly MacroName[] = [
  'ref_id',
  'clickid',
  'payout',
  'type',
  'status',
  'currency',
  'campaign_id',
  'campaign_name',
  'offer_id',
  'lander_id',
  ...SUB_MACROS,
  'country',
  'region',
  'city',
  'isp',
  'device',
  'os',
  'browser',
  'timestamp',
];
const AVAILABLE = new Set<MacroName>(CHANNEL_POSTBACK_MACROS);

/** The filters in force for one campaign: the campaign's override where set, else the channel's. */
export interface ChannelPostbackSettings {
  enabled: boolean;
  statuses: readonly ConversionStatus[];
  /** Empty: every type whose sendToChannel is on, and the plain conversion (null). */
  types: readonly (string | null)[];
  payoutPercent: number;
}

export function effectiveChannelPostbackSettings(
  channel: Pick<TrafficChannel, 'postbackStatuses' | 'postbackTypes' | 'postbackPayoutPercent'>,
  campaign: Pick<Campaign, 'channelPostback'>,
): ChannelPostbackSettings {
  const override = campaign.channelPostback;
  return {
    enabled: override?.enabled ?? true,
    statuses: override?.statuses ?? channel.postbackStatuses,
    types: override?.types ?? channel.postbackTypes ?? [],
    payoutPercent: override?.payoutPercent ?? channel.postbackPayoutPercent,
  };
}

export type ChannelPostbackDecision =
  | { outcome: 'send'; url: string }
  | { outcome: 'blocked'; url: string; reason: string; problems: string[] }
  | { outcome: 'not_sent'; reason: string };

export interface ChannelPostbackInput {
  conversion: Conversion;
  campaign: Campaign;
  channel: TrafficChannel | undefined;
  conversionType: ConversionType | undefined;
  /** The currency conversion payouts are kept in; `{currency}` names it. */
  accountCurrency: string;
}

/** Whether this conversion goes to the channel, and the URL it goes to. */
export function decideChannelPostback(input: ChannelPostbackInput): ChannelPostbackDecision {
  const { conversion, campaign, channel, conversionType } = input;
  if (!channel) return { outcome: 'not_sent', reason: `traffic channel ${campaign.trafficChannelId} of the campaign was not found` };
  if (!channel.postbackUrl) return { outcome: 'not_sent', reason: `traffic channel "${channel.name}" has no postback URL` };
  const settings = effectiveChannelPostbackSettings(channel, campaign);
  if (!settings.enabled) return { outcome: 'not_sent', reason: 'channel postbacks are turned off for this campaign' };

  const typeName = conversion.type === null ? 'the plain conversion (no type)' : `conversion type "${conversion.type}"`;
  if (settings.types.length) {
    if (!settings.types.includes(conversion.type)) {
      return { outcome: 'not_sent', reason: `${typeName} is not among the types sent to the channel (${settings.types.map(typeLabel).join(', ')})` };
    }
  } else if (conversion.type !== null && conversionType && !conversionType.sendToChannel) {
    return { outcome: 'not_sent', reason: `${typeName} is not sent to channels (its sendToChannel is off)` };
  }
  if (!settings.statuses.includes(conversion.status)) {
    const sent = settings.statuses.length ? settings.statuses.join(', ') : 'none';
    return { outcome: 'not_sent', reason: `status ${conversion.status} is not among the statuses sent to the channel (${sent})` };
  }

  const rendered = renderChannelPostbackUrl(channel.postbackUrl, conversionMacroValues(input, settings.payoutPercent), campaign.postbackValues);
  const problems = [...rendered.problems];
  if (rendered.uses.has('ref_id') && !conversion.refId) {
    problems.push("the click has no ref_id (the channel's click id): the click URL pasted into the channel must pass ref_id with the channel's click-id macro");
  }
  if (problems.length) return { outcome: 'blocked', url: rendered.url, reason: problems.join('; '), problems };
  return { outcome: 'send', url: rendered.url };
}

function typeLabel(type: string | null): string {
  return type === null ? 'the plain conversion' : type;
}

/** A conversion's macro values, the payout after the channel's percentage, money as exact decimals. */
export function conversionMacroValues(input: Pick<ChannelPostbackInput, 'conversion' | 'campaign' | 'accountCurrency'>, payoutPercent: number): MacroValues {
  const { conversion, campaign } = input;
  const values: Record<string, string | number | null> = {
    ref_id: conversion.refId,
    clickid: conversion.clickId,
    payout: decimalFromMicros(applyPayoutPercent(conversion.payout, payoutPercent)),
    type: conversion.type ?? '',
    status: conversion.status,
    currency: input.accountCurrency,
    campaign_id: conversion.campaignId,
    campaign_name: campaign.name,
    offer_id: conversion.offerId,
    lander_id: conversion.landerId,
    country: conversion.country,
    region: conversion.region,
    city: conversion.city,
    isp: conversion.isp,
    device: conversion.deviceType,
    os: conversion.os,
    browser: conversion.browser,
    timestamp: Math.floor(conversion.convertedAt / 1000),
  };
  SUB_MACROS.forEach((name, i) => (values[name] = conversion.subs[i] ?? ''));
  return values;
}

export function applyPayoutPercent(payout: Micros, percent: number): Micros {
  return Math.round((payout * percent) / 100);
}

/** `2500000` → `"2.5"`: exact, no exponent, no trailing zeros. */
export function decimalFromMicros(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.round(micros));
  const whole = Math.floor(abs / MICROS_PER_UNIT);
  const fraction = String(abs % MICROS_PER_UNIT).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

export interface RenderedChannelPostback {
  url: string;
  /** Why the URL cannot be sent as it is; empty when it can. */
  problems: string[];
  /** The macros the template uses. */
  uses: ReadonlySet<MacroName>;
}

// `{name}` as the macro engine writes it, for the names it does not know (campaign values).
const BRACE_TOKEN = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;
// REPLACE as a word (`aid=REPLACE`, `{replace_me}`), in any case, but not inside `replacement`.
const REPLACE_WORD = /(?<![A-Za-z0-9])replace(?![A-Za-z0-9])/i;
const REPLACE_VALUE = /^\{?replace(_\w*)?\}?$/i;
const QUERY_PARAM = /([?&])([A-Za-z0-9_]+)=([^&#]*)/g;

/**
 * The channel's template with the conversion's values and the campaign's postback values filled in.
 * A campaign value fills `{name}` anywhere in the template, and also a query parameter of that name
 * the template leaves as `name=REPLACE` or `name=` — the way channel templates mark what each
 * campaign must supply.
 */
export function renderChannelPostbackUrl(templateUrl: string, values: MacroValues, campaignValues: Readonly<Record<string, string>>): RenderedChannelPostback {
  const byName = new Map(Object.entries(campaignValues).map(([name, value]) => [name.toLowerCase(), { name, value }]));
  const problems: string[] = [];

  // `aid=REPLACE` with a campaign value `aid` becomes `aid={aid}`, filled below like any campaign value.
  const leftAsReplace: string[] = [];
  const reported = new Set<string>();
  const source = templateUrl.replace(QUERY_PARAM, (whole, separator: string, name: string, value: string) => {
    const given = byName.get(name.toLowerCase());
    if (given && !isKnownMacro(name) && (value === '' || REPLACE_VALUE.test(value))) return `${separator}${name}={${given.name}}`;
    if (REPLACE_VALUE.test(value)) {
      leftAsReplace.push(name);
      reported.add(value.toLowerCase());
    }
    return whole;
  });

  const template = compileUrlTemplate(source);
  const uses = new Set(template.macros);
  for (const macro of uses) {
    if (!AVAILABLE.has(macro)) problems.push(`{${macro}} is not available in a channel postback: remove it from the traffic channel's postback URL`);
  }
  for (const name of leftAsReplace) {
    problems.push(`${name} is REPLACE in the traffic channel's postback URL: set ${name} in the campaign's postback values`);
  }

  const used = new Set<string>();
  const missing: string[] = [];
  const literals = template.literals.map((literal) =>
    literal.replace(BRACE_TOKEN, (token, name: string) => {
      const given = byName.get(name.toLowerCase());
      if (!given) {
        if (!missing.includes(token)) missing.push(token);
        return token;
      }
      used.add(given.name);
      return encodeURIComponent(given.value);
    }),
  );
  for (const token of missing) {
    if (reported.has(token.toLowerCase())) continue;
    const name = token.slice(1, -1);
    problems.push(
      REPLACE_WORD.test(name)
        ? `the traffic channel's postback URL still contains ${token}: replace it with the value the channel expects`
        : `${token} has no value: set ${name} in the campaign's postback values (or correct the macro in the traffic channel's postback URL)`,
    );
  }
  for (const name of used) {
    const value = campaignValues[name]!;
    if (value.trim() === '') problems.push(`${name} is empty: set it in the campaign`);
    else if (REPLACE_VALUE.test(value.trim())) problems.push(`${name} is REPLACE: set it in the campaign`);
  }
  // REPLACE anywhere else in the template's own text (a path segment, a fragment).
  const ownText = template.literals
    .join(' ')
    .replace(QUERY_PARAM, (whole, _separator, _name, value: string) => (REPLACE_VALUE.test(value) ? ' ' : whole))
    .replace(BRACE_TOKEN, ' ');
  if (REPLACE_WORD.test(ownText)) problems.push("the traffic channel's postback URL still contains REPLACE: put the channel's value there");

  const url = renderUrl({ ...template, literals } as UrlTemplate, values);
  if (!isHttpUrl(url)) problems.push("the postback URL is not an absolute http(s) URL: correct it in the traffic channel");
  return { url, problems, uses };
}

function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

export interface ChannelPostbackReadiness {
  /** True when a conversion of this campaign that passes the filters would be sent. */
  ready: boolean;
  problems: string[];
  /** The URL filled with sample values, so a person sees what the channel will get. */
  previewUrl: string | null;
}

/**
 * The campaign's channel postback checked with sample values, for the campaign's API response: shows
 * REPLACE left in the template or campaign values still to fill before a real conversion is blocked.
 */
export function checkCampaignChannelPostback(
  campaign: Pick<Campaign, 'postbackValues' | 'channelPostback' | 'trafficChannelId'>,
  channel: TrafficChannel | undefined,
): ChannelPostbackReadiness {
  if (!channel) return { ready: false, problems: [`traffic channel ${campaign.trafficChannelId} was not found`], previewUrl: null };
  if (!channel.postbackUrl) {
    return { ready: false, problems: [`traffic channel "${channel.name}" has no postback URL: conversions are not sent to it`], previewUrl: null };
  }
  const settings = effectiveChannelPostbackSettings(channel, campaign);
  const rendered = renderChannelPostbackUrl(channel.postbackUrl, sampleValues(settings.payoutPercent), campaign.postbackValues);
  const problems = [...rendered.problems];
  if (!settings.enabled) problems.unshift('channel postbacks are turned off for this campaign');
  if (!settings.statuses.length) problems.push('no conversion status is selected to be sent to the channel');
  return { ready: problems.length === 0, problems, previewUrl: rendered.url };
}

function sampleValues(payoutPercent: number): MacroValues {
  const samplePayout = 2_500_000;
  const values: Record<string, string | number | null | undefined> = {};
  for (const name of CHANNEL_POSTBACK_MACROS) values[name] = SAMPLE_MACRO_VALUES[name];
  values.payout = decimalFromMicros(applyPayoutPercent(samplePayout, payoutPercent));
  return values;
}
