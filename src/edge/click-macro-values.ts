import type { Campaign } from '../domain/campaign.js';
import type { Click } from '../domain/click.js';
import { formatMoney } from '../domain/money.js';
import { renderUrl, type MacroName, type MacroValues, type UrlTemplate } from './macros.js';

type Target = { offerId?: number | undefined; landerId?: number | undefined };

/** One macro's value for a click. Money as a decimal amount, the timestamp in unix seconds. */
function macroValue(name: MacroName, click: Click, campaign: Pick<Campaign, 'id' | 'name'>, target: Target): string | number {
  switch (name) {
    case 'clickid': return click.clickId;
    case 'campaign_id': return campaign.id;
    case 'campaign_name': return campaign.name;
    case 'offer_id': return target.offerId ?? '';
    case 'lander_id': return target.landerId ?? click.landerId ?? '';
    case 'ref_id': return click.refId;
    case 'cost': return formatMoney(click.cost);
    case 'country': return click.country;
    case 'region': return click.region;
    case 'city': return click.city;
    case 'isp': return click.isp;
    case 'device': return click.deviceType;
    case 'os': return click.os;
    case 'browser': return click.browser;
    case 'ip': return click.ip;
    case 'user_agent': return click.userAgent;
    case 'referrer': return click.referrer;
    case 'timestamp': return Math.floor(click.createdAt / 1000);
    // Conversion macros have no value at click time.
    case 'payout': case 'type': case 'status': case 'currency': return '';
    default: {
      const sub = /^sub(\d+)$/.exec(name);
      return sub ? (click.subs[Number(sub[1]) - 1] ?? '') : '';
    }
  }
}

/**
 * The lander or offer URL for a click. Only the macros the URL uses are computed: a URL names three
 * or four of the forty macros, and this runs for every click.
 */
export function renderClickUrl(template: UrlTemplate, click: Click, campaign: Pick<Campaign, 'id' | 'name'>, target: Target): string {
  const values: Partial<Record<MacroName, string | number>> = {};
  for (const name of template.macros) values[name] = macroValue(name, click, campaign, target);
  return renderUrl(template, values as MacroValues);
}
