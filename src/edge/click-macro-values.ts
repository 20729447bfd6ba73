import type { Campaign } from '../domain/campaign.js';
import type { Click } from '../domain/click.js';
import { formatMoney } from '../domain/money.js';
import type { MacroValues } from './macros.js';

/** The macro values of a click, for its lander or offer URL. */
export function clickMacroValues(click: Click, campaign: Pick<Campaign, 'id' | 'name'>, target: { offerId?: number; landerId?: number }): MacroValues {
  const values: Record<string, string | number> = {
    clickid: click.clickId,
    campaign_id: campaign.id,
    campaign_name: campaign.name,
    offer_id: target.offerId ?? '',
    lander_id: target.landerId ?? click.landerId ?? '',
    ref_id: click.refId,
    cost: formatMoney(click.cost),
    country: click.country,
    region: click.region,
    city: click.city,
    isp: click.isp,
    device: click.deviceType,
    os: click.os,
    browser: click.browser,
    ip: click.ip,
    user_agent: click.userAgent,
    referrer: click.referrer,
    timestamp: Math.floor(click.createdAt / 1000),
  };
  for (let i = 0; i < click.subs.length; i++) values[`sub${i + 1}`] = click.subs[i]!;
  return values as MacroValues;
}
