import type { Click } from '../../domain/click.js';

export const SUBS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}`);

/** The clicks table's columns, in the order of a click row (clickToRow). */
export const CLICK_COLUMNS = [
  'click_id', 'created_at', 'campaign_id', 'traffic_channel_id', 'rule_index', 'path_index', 'lander_id', 'offer_id', 'outcome',
  'ref_id', ...SUBS, 'params', 'cost_micros', 'ip', 'country', 'region', 'city', 'isp', 'asn', 'device_type', 'brand', 'model',
  'os', 'os_version', 'browser', 'browser_version', 'language', 'connection_type', 'referrer', 'referrer_domain', 'user_agent',
  'is_bot', 'is_unique', 'direct', 'visitor_key', 'lander_clicked_at', 'lander_click_offer_id',
];

/** A click as the values of its row, in CLICK_COLUMNS order: what the spool holds and the writer inserts. */
export function clickToRow(click: Click): (string | number | null)[] {
  return [
    click.clickId, click.createdAt, click.campaignId, click.trafficChannelId, click.ruleIndex, click.pathIndex, click.landerId,
    click.offerId, click.outcome, click.refId, ...SUBS.map((_, i) => click.subs[i] ?? ''), JSON.stringify(click.params), click.cost,
    click.ip, click.country, click.region, click.city, click.isp, click.asn, click.deviceType, click.brand, click.model, click.os,
    click.osVersion, click.browser, click.browserVersion, click.language, click.connectionType, click.referrer, click.referrerDomain,
    click.userAgent, click.isBot ? 1 : 0, click.isUnique ? 1 : 0, click.direct ? 1 : 0, click.visitorKey, click.landerClickedAt,
    click.landerClickOfferId,
  ];
}
