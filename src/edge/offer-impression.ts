import type { Campaign } from '../domain/campaign.js';
import { mintClickId } from '../domain/click-id.js';
import { SUB_COUNT } from '../domain/click.js';
import type { Offer } from '../domain/offer.js';
import { queryValue } from './channel-params.js';
import { compileUrlTemplate, renderUrl, type MacroName, type UrlTemplate } from './macros.js';

// `{imp_id}` is not one of the click macros (a click URL has no impression), so it is filled here,
// in its written and its percent-encoded form, as the click macros are.
const IMP_ID = /\{imp_id\}|%7Bimp_id%7D/gi;
const SUB_MACROS = Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}`);

/** The offer's impression URL compiled once per offer object (a new snapshot brings new ones). */
const templates = new WeakMap<Offer, { parts: string[]; templates: UrlTemplate[] }>();

/**
 * The offer's impression URL (seed 001's "allow impressions") for one impression shown through
 * `/imp/{campaign}?offer_id={id}`: `{imp_id}` a fresh unguessable id, so the network can tell
 * impressions apart, and the click macros an impression has — campaign and offer, the channel's
 * `ref_id` and `sub1..sub20` from the pixel's query, the time. Undefined when the offer takes no
 * impressions (not allowed, no URL, archived).
 */
export function offerImpressionUrl(offer: Offer, campaign: Pick<Campaign, 'id' | 'name'>, query: Record<string, string | string[] | undefined>, now: number): string | undefined {
  if (!offer.impressionsAllowed || offer.impressionUrl === null || offer.status === 'archived') return undefined;
  let compiled = templates.get(offer);
  if (!compiled) {
    const parts = offer.impressionUrl.split(IMP_ID);
    templates.set(offer, (compiled = { parts, templates: parts.map(compileUrlTemplate) }));
  }
  const values: Partial<Record<MacroName, string | number>> = {
    campaign_id: campaign.id,
    campaign_name: campaign.name,
    offer_id: offer.id,
    ref_id: queryValue(query, 'ref_id'),
    timestamp: Math.floor(now / 1000),
  };
  for (const sub of SUB_MACROS) values[sub as MacroName] = queryValue(query, sub);
  const impId = mintClickId(now);
  return compiled.templates.map((template) => renderUrl(template, values)).join(impId);
}
