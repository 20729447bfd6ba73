import type { ImportedOffer, ImportedOfferStatus, ImportedPayout, PayoutModel, SkippedRecord } from '../connector.js';
import { isRecord, readDecimal, readHttpUrl, readMoney, readText } from '../wire-values.js';
import type { CakeSettings } from './cake-settings.js';
import { readXmlList, readXmlPath } from './xml-response.js';

/**
 * One `<offer>` of the affiliate OfferFeed in partner-neutral words, after seed 004's table (name,
 * tracking URL, payout, payout type, status; the affiliate feed shows neither the advertiser nor the
 * landing page), plus preview URL, countries, vertical and description. The feed carries no link of
 * the affiliate's own in the clients seen, so the link is built from the campaign id in CAKE's
 * `?a={affiliate}&c={campaign}` form unless the offer sends one. An offer without an id or a name is
 * skipped: there is nothing to import it as.
 */
export function mapCakeOffer(record: unknown, settings: CakeSettings): { offer: ImportedOffer } | { skipped: SkippedRecord } {
  if (!isRecord(record)) return { skipped: { externalId: null, reason: 'the record is not an offer element' } };
  const externalId = readText(record.offer_id);
  const name = readText(record.offer_name);
  if (!externalId) return { skipped: { externalId: null, reason: 'the offer has no offer_id' } };
  if (!name) return { skipped: { externalId, reason: 'the offer has no offer_name' } };
  const partnerStatus = readText(readXmlPath(record, 'offer_status', 'status_name')) ?? readText(record.offer_status);
  const vertical = readText(record.vertical_name);

  return {
    offer: {
      externalId,
      name,
      trackingUrl: readHttpUrl(record.tracking_link) ?? readHttpUrl(record.unique_link) ?? buildTrackingUrl(readText(record.campaign_id), settings),
      destinationUrl: null,
      previewUrl: readHttpUrl(record.preview_link),
      impressionUrl: null,
      payout: readPayout(readText(record.payout), readText(record.price_format)),
      currency: null,
      advertiser: null,
      status: readStatus(partnerStatus),
      partnerStatus,
      countries: readCountries(record.allowed_countries),
      categories: vertical ? [vertical] : [],
      description: readText(record.description),
      requiresApproval: partnerStatus === null ? null : /apply/i.test(partnerStatus),
      caps: [],
    },
  };
}

function buildTrackingUrl(campaignId: string | null, settings: CakeSettings): string | null {
  if (!campaignId || campaignId === '0') return null;
  const url = new URL(`${(settings.trackingBaseUrl ?? settings.baseUrl).replace(/\/+$/, '')}/`);
  url.searchParams.set('a', settings.affiliateId);
  url.searchParams.set('c', campaignId);
  return url.href;
}

const PRICE_FORMATS: Record<string, { kind: ImportedPayout['kind']; model: PayoutModel }> = {
  cpa: { kind: 'fixed', model: 'cpa' },
  cpl: { kind: 'fixed', model: 'cpl' },
  cpc: { kind: 'fixed', model: 'cpc' },
  cpm: { kind: 'fixed', model: 'cpm' },
  cpi: { kind: 'fixed', model: 'cpi' },
  cps: { kind: 'percent', model: 'cps' },
  revshare: { kind: 'percent', model: 'revshare' },
};

/**
 * `payout` is display text: `$2.00`, `1,250.00`, `30%`, or `30.00 %` for a revenue share. The
 * percent sign decides the kind when the price format does not.
 */
function readPayout(text: string | null, priceFormat: string | null): ImportedPayout {
  const known = priceFormat ? PRICE_FORMATS[priceFormat.toLowerCase().replace(/[^a-z]/g, '')] : undefined;
  const number = text?.replace(/[^\d.-]/g, '') ?? null;
  const kind = known?.kind ?? (text?.includes('%') ? 'percent' : 'fixed');
  return {
    kind,
    model: known?.model ?? (kind === 'percent' ? 'revshare' : 'other'),
    amount: kind === 'percent' ? null : readMoney(number),
    percent: kind === 'percent' ? readDecimal(number) : null,
    partnerType: priceFormat,
  };
}

const STATUSES: Record<string, ImportedOfferStatus> = {
  active: 'active',
  public: 'active',
  'apply to run': 'active',
  pending: 'pending',
  paused: 'paused',
  inactive: 'paused',
  expired: 'expired',
  deleted: 'deleted',
};

function readStatus(text: string | null): ImportedOfferStatus {
  return (text && STATUSES[text.toLowerCase()]) || 'other';
}

/** `<allowed_countries><country><country_code>US</country_code>…</country></allowed_countries>`. */
function readCountries(value: unknown): string[] {
  const codes = new Set<string>();
  for (const country of readXmlList(value, 'country')) {
    const code = isRecord(country) ? readText(country.country_code) : readText(country);
    if (code && /^[a-z]{2}$/i.test(code)) codes.add(code.toUpperCase());
  }
  return [...codes].sort();
}
