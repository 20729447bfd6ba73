import type { ImportedCap, ImportedOffer, ImportedOfferStatus, ImportedPayout, SkippedRecord } from '../connector.js';
import { isRecord, readCurrency, readDecimal, readFlag, readHttpUrl, readInteger, readList, readMoney, readText } from '../wire-values.js';

/**
 * One TUNE offer record (`{"Offer": {…}, "TrackingLink": {…}, "Country": …, "OfferCategory": …}`)
 * in partner-neutral words, after seed 004's table: name, destination (tracking) URL, default payout,
 * payout type, advertiser, status; plus countries, preview URL, categories and caps when sent.
 * A record without an offer id or name is skipped: there is nothing to import it as.
 */
export function mapTuneOffer(record: unknown): { offer: ImportedOffer } | { skipped: SkippedRecord } {
  if (!isRecord(record) || !isRecord(record.Offer)) return { skipped: { externalId: null, reason: 'the record has no Offer object' } };
  const offer = record.Offer;
  const externalId = readText(offer.id);
  const name = readText(offer.name);
  if (!externalId) return { skipped: { externalId: null, reason: 'the offer has no id' } };
  if (!name) return { skipped: { externalId, reason: 'the offer has no name' } };
  const trackingLink = isRecord(record.TrackingLink) ? record.TrackingLink : {};
  const advertiser = isRecord(record.Advertiser) ? record.Advertiser : {};
  const advertiserId = readText(offer.advertiser_id) ?? readText(advertiser.id);
  const advertiserName = readText(advertiser.company) ?? readText(advertiser.name);

  return {
    offer: {
      externalId,
      name,
      trackingUrl: readHttpUrl(trackingLink.click_url),
      // offer_url is the Network API's landing page; the Affiliate API does not show it.
      destinationUrl: readHttpUrl(offer.offer_url),
      previewUrl: readHttpUrl(offer.preview_url),
      impressionUrl: readPixelUrl(trackingLink.impression_pixel),
      payout: readPayout(offer),
      currency: readCurrency(offer.currency),
      advertiser: advertiserId || advertiserName ? { externalId: advertiserId, name: advertiserName } : null,
      status: readFlag(offer.is_expired) ? 'expired' : readStatus(offer.status),
      partnerStatus: readText(offer.status),
      countries: readCountries(record.Country),
      categories: readList(record.OfferCategory)
        .map((category) => (isRecord(category) ? readText(category.name) : readText(category)))
        .filter((category): category is string => category !== null),
      description: readText(offer.description),
      requiresApproval: readFlag(offer.require_approval),
      caps: readCaps(offer),
    },
  };
}

const PAYOUT_TYPES: Record<string, Pick<ImportedPayout, 'kind' | 'model'>> = {
  cpa_flat: { kind: 'fixed', model: 'cpa' },
  cpa_percentage: { kind: 'percent', model: 'cps' },
  cpa_both: { kind: 'fixed_and_percent', model: 'cps' },
  cpc: { kind: 'fixed', model: 'cpc' },
  cpm: { kind: 'fixed', model: 'cpm' },
};

function readPayout(offer: Record<string, unknown>): ImportedPayout {
  const partnerType = readText(offer.payout_type);
  const known = partnerType ? PAYOUT_TYPES[partnerType.toLowerCase()] : undefined;
  const kind = known?.kind ?? 'fixed';
  return {
    kind,
    model: known?.model ?? 'other',
    amount: kind === 'percent' ? null : readMoney(offer.default_payout),
    percent: kind === 'fixed' ? null : readDecimal(offer.percent_payout),
    partnerType,
  };
}

const STATUSES: Record<string, ImportedOfferStatus> = { active: 'active', paused: 'paused', pending: 'pending', expired: 'expired', deleted: 'deleted' };

function readStatus(value: unknown): ImportedOfferStatus {
  const text = readText(value)?.toLowerCase();
  return (text && STATUSES[text]) || 'other';
}

/** `Country` comes keyed by code or id, each with a `code`; a bare key of two letters is a code too. */
function readCountries(value: unknown): string[] {
  const codes = new Set<string>();
  const entries = Array.isArray(value) ? value.map((item) => [null, item] as const) : isRecord(value) ? Object.entries(value) : [];
  for (const [key, item] of entries) {
    const code = (isRecord(item) ? readText(item.code) ?? readText(item.iso) : readText(item)) ?? key;
    if (code && /^[a-z]{2}$/i.test(code)) codes.add(code.toUpperCase());
  }
  return [...codes].sort();
}

// Only conversion_cap is documented for affiliates; the others are Network Offer fields. "0" means no cap.
const CAP_FIELDS: [string, ImportedCap['metric'], ImportedCap['period']][] = [
  ['conversion_cap', 'conversions', 'daily'],
  ['monthly_conversion_cap', 'conversions', 'monthly'],
  ['payout_cap', 'payout', 'daily'],
  ['monthly_payout_cap', 'payout', 'monthly'],
  ['revenue_cap', 'revenue', 'daily'],
  ['monthly_revenue_cap', 'revenue', 'monthly'],
];

function readCaps(offer: Record<string, unknown>): ImportedCap[] {
  const caps: ImportedCap[] = [];
  for (const [field, metric, period] of CAP_FIELDS) {
    const limit = metric === 'conversions' ? readInteger(offer[field]) : readMoney(offer[field]);
    if (limit !== null && limit > 0) caps.push({ metric, period, limit });
  }
  return caps;
}

/** TUNE gives the impression pixel as an `<img src="…">` tag; the URL is what an import needs. */
function readPixelUrl(value: unknown): string | null {
  const text = readText(value);
  if (!text) return null;
  const src = /src\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];
  return readHttpUrl(src?.replace(/&amp;/g, '&') ?? text);
}
