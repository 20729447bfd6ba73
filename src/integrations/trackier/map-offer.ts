import type { ImportedCap, ImportedOffer, ImportedOfferStatus, ImportedPayout, PayoutModel, SkippedRecord } from '../connector.js';
import { isRecord, readCurrency, readDecimal, readHttpUrl, readInteger, readList, readMoney, readText } from '../wire-values.js';

/**
 * One campaign of `GET /v2/publisher/campaigns` in partner-neutral words, after seed 004's table
 * (name, tracking URL, payout, payout type, status; the publisher API shows neither the advertiser
 * nor the landing page), plus preview URL, countries, description and caps. A campaign without an
 * id or a title is skipped: there is nothing to import it as.
 */
export function mapTrackierOffer(record: unknown): { offer: ImportedOffer } | { skipped: SkippedRecord } {
  if (!isRecord(record)) return { skipped: { externalId: null, reason: 'the record is not a campaign object' } };
  const externalId = readText(record.id);
  const name = readText(record.title);
  if (!externalId) return { skipped: { externalId: null, reason: 'the campaign has no id' } };
  if (!name) return { skipped: { externalId, reason: 'the campaign has no title' } };
  const partnerStatus = readText(record.status);

  return {
    offer: {
      externalId,
      name,
      trackingUrl: readHttpUrl(record.tracking_link),
      destinationUrl: null,
      previewUrl: readHttpUrl(record.preview_url),
      impressionUrl: null,
      payout: readPayout(record),
      // Trackier documents a missing currency as USD.
      currency: readCurrency(record.currency) ?? 'USD',
      advertiser: null,
      // The list holds the campaigns the publisher may run; a status is read only when one is sent.
      status: partnerStatus === null ? 'active' : readStatus(partnerStatus),
      partnerStatus,
      countries: readCountries(record.countries),
      categories: [],
      description: readText(record.description),
      requiresApproval: null,
      caps: readCaps(record.cap),
    },
  };
}

const MODELS: Record<string, PayoutModel> = { cpa: 'cpa', cpi: 'cpi', cpc: 'cpc', cpm: 'cpm', cps: 'cps', cpl: 'cpl' };

/**
 * `model` says how the campaign pays; `payouts` lists amounts by geo. The first entry is the
 * campaign's payout (the engine applies geo filters on countries). For `cps` it is a percentage.
 */
function readPayout(record: Record<string, unknown>): ImportedPayout {
  const partnerType = readText(record.model);
  const model = (partnerType && MODELS[partnerType.toLowerCase()]) || 'other';
  const first = readList(record.payouts).find(isRecord);
  const value = first ? first.payout : record.payout;
  if (model === 'cps') return { kind: 'percent', model, amount: null, percent: readDecimal(value), partnerType };
  return { kind: 'fixed', model, amount: readMoney(value), percent: null, partnerType };
}

const STATUSES: Record<string, ImportedOfferStatus> = { active: 'active', paused: 'paused', pending: 'pending', expired: 'expired', deleted: 'deleted' };

function readStatus(text: string): ImportedOfferStatus {
  return STATUSES[text.toLowerCase()] ?? 'other';
}

function readCountries(value: unknown): string[] {
  const codes = new Set<string>();
  for (const item of readList(value)) {
    const code = readText(item);
    if (code && /^[a-z]{2}$/i.test(code)) codes.add(code.toUpperCase());
  }
  return [...codes].sort();
}

const CAP_METRICS: Record<string, ImportedCap['metric']> = { conversion: 'conversions', click: 'clicks', payout: 'payout', revenue: 'revenue' };
const CAP_PERIODS: [string, ImportedCap['period']][] = [
  ['daily', 'daily'],
  ['weekly', 'weekly'],
  ['monthly', 'monthly'],
  ['lifetime', 'total'],
];

/** `{"type": "conversion", "daily": 0, "monthly": 928, "lifetime": 0}`; 0 means no cap. */
function readCaps(cap: unknown): ImportedCap[] {
  if (!isRecord(cap)) return [];
  const metric = CAP_METRICS[readText(cap.type)?.toLowerCase() ?? 'conversion'];
  if (!metric) return [];
  const caps: ImportedCap[] = [];
  for (const [field, period] of CAP_PERIODS) {
    const limit = metric === 'payout' || metric === 'revenue' ? readMoney(cap[field]) : readInteger(cap[field]);
    if (limit !== null && limit > 0) caps.push({ metric, period, limit });
  }
  return caps;
}
