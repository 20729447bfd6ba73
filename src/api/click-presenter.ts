import { z } from 'zod';
import { CLICK_OUTCOMES, type Click } from '../domain/click.js';
import { formatMoney } from '../domain/money.js';
import type { EntityNames } from './entity-names.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const clickResponseSchema = z
  .object({
    clickId: z.string(),
    createdAt: z.string(),
    outcome: z.enum(CLICK_OUTCOMES).describe('routed; fallback (nothing eligible: the fallback URL); not_found; blocked (its placement is blocked in the campaign: the fallback URL)'),
    campaignId: z.number().int(),
    campaignName: z.string().nullable(),
    trafficChannelId: z.number().int(),
    trafficChannelName: z.string().nullable(),
    ruleIndex: z.number().int().describe('the funnel rule that matched; -1 for the default paths'),
    pathIndex: z.number().int(),
    landerId: z.number().int().nullable(),
    landerName: z.string().nullable(),
    offerId: z.number().int().nullable().describe('the offer the click was sent to directly; with a lander see landerClick'),
    offerName: z.string().nullable(),
    landerClick: z
      .object({ at: z.string(), offerId: z.number().int().nullable(), offerName: z.string().nullable() })
      .nullable()
      .describe("the lander's call to action: when, and the offer it sent the visitor to; null when it did not happen"),
    refId: z.string().describe("the traffic channel's click id"),
    subs: z.record(z.string(), z.string()).describe('sub1..sub20 that had a value'),
    params: z.record(z.string(), z.string()).describe('other parameters the channel maps, by their own names'),
    cost: z.number().describe('in currency'),
    currency: z.string().describe('the account currency'),
    ip: z.string(),
    country: z.string(),
    region: z.string(),
    city: z.string(),
    isp: z.string(),
    asn: z.number().int().nullable(),
    deviceType: z.string(),
    brand: z.string(),
    model: z.string(),
    os: z.string(),
    osVersion: z.string(),
    browser: z.string(),
    browserVersion: z.string(),
    language: z.string(),
    connectionType: z.string(),
    referrer: z.string(),
    referrerDomain: z.string(),
    userAgent: z.string(),
    isBot: z.boolean(),
    isUnique: z.boolean(),
    direct: z.boolean().describe('a direct-tracking visit (/v, t.js) rather than a redirect through /c'),
  })
  .meta({ id: 'Click' });

/** A click as the API shows it: money as decimals, times as ISO instants, names next to ids. */
export function presentClick(click: Click, names: EntityNames, accountCurrency: string): z.input<typeof clickResponseSchema> {
  return {
    clickId: click.clickId,
    createdAt: iso(click.createdAt),
    outcome: click.outcome,
    campaignId: click.campaignId,
    campaignName: names.campaign(click.campaignId),
    trafficChannelId: click.trafficChannelId,
    trafficChannelName: names.trafficChannel(click.trafficChannelId),
    ruleIndex: click.ruleIndex,
    pathIndex: click.pathIndex,
    landerId: click.landerId,
    landerName: names.lander(click.landerId),
    offerId: click.offerId,
    offerName: names.offer(click.offerId),
    landerClick:
      click.landerClickedAt === null
        ? null
        : { at: iso(click.landerClickedAt), offerId: click.landerClickOfferId, offerName: names.offer(click.landerClickOfferId) },
    refId: click.refId,
    subs: Object.fromEntries(click.subs.map((value, i) => [`sub${i + 1}`, value]).filter(([, value]) => value !== '')),
    params: click.params,
    cost: formatMoney(click.cost),
    currency: accountCurrency,
    ip: click.ip,
    country: click.country,
    region: click.region,
    city: click.city,
    isp: click.isp,
    asn: click.asn,
    deviceType: click.deviceType,
    brand: click.brand,
    model: click.model,
    os: click.os,
    osVersion: click.osVersion,
    browser: click.browser,
    browserVersion: click.browserVersion,
    language: click.language,
    connectionType: click.connectionType,
    referrer: click.referrer,
    referrerDomain: click.referrerDomain,
    userAgent: click.userAgent,
    isBot: click.isBot,
    isUnique: click.isUnique,
    direct: click.direct,
  };
}
