import type { ImportedCap, ImportedOffer, ImportedOfferStatus, ImportedPayout, PayoutModel, SkippedRecord } from '../connector.js';
import { isRecord, readCurrency, readDecimal, readFlag, readHttpUrl, readInteger, readList, readMoney, readText } from '../wire-values.js';

/**
 * One `offersrunnable` offer in partner-neutral words, after seed 004's table (name, tracking URL,
 * payout, payout type, status; the affiliate API does not show the advertiser or the landing page),
 * plus preview URL, impression URL, category, countries and caps when sent. An offer without an id
 * or a name is skipped: there is nothing to import it as.
 */
export function mapEverflowOffer(record: unknown): { offer: ImportedOffer } | { skipped: SkippedRecord } {
  if (!isRecord(record)) return { skipped: { externalId: null, reason: 'the record is not an offer object' } };
  const externalId = readText(record.network_offer_id);
  const name = readText(record.name);
  if (!externalId) return { skipped: { externalId: null, reason: 'the offer has no network_offer_id' } };
  if (!name) return { skipped: { externalId, reason: 'the offer has no name' } };
  const relationship = isRecord(record.relationship) ? record.relationship : {};
  const visibility = readText(record.visibility)?.toLowerCase();
  const category = isRecord(relationship.category) ? readText(relationship.category.name) : null;

  return {
    offer: {
      externalId,
      name,
      trackingUrl: readHttpUrl(record.tracking_url),
      destinationUrl: null,
      previewUrl: readHttpUrl(record.preview_url),
      impressionUrl: readHttpUrl(record.impression_tracking_url),
      payout: readPayout(relationship.payouts),
      currency: readCurrency(record.currency_id),
      advertiser: null,
      status: readStatus(record.offer_status),
      partnerStatus: readText(record.offer_status),
      countries: readCountries(relationship.ruleset),
      categories: category ? [category] : [],
      description: readText(record.html_description),
      requiresApproval: visibility === 'require_approval' ? true : visibility === 'public' ? false : null,
      caps: readFlag(record.is_caps_enabled) === false ? [] : readCaps(record),
    },
  };
}

const PAYOUT_TYPES: Record<string, { kind: ImportedPayout['kind']; model: PayoutModel }> = {
  cpa: { kind: 'fixed', model: 'cpa' },
  cps: { kind: 'percent', model: 'cps' },
  cpa_cps: { kind: 'fixed_and_percent', model: 'cps' },
  cpc: { kind: 'fixed', model: 'cpc' },
  cpm: { kind: 'fixed', model: 'cpm' },
};

/**
 * `relationship.payouts` is `{"total": n, "entries": [...]}`. The offer's own payout is the default
 * entry (`is_default`, else the one named "Base", else the first); the others pay events.
 */
function readPayout(payouts: unknown): ImportedPayout {
  const entries = readList(isRecord(payouts) ? payouts.entries : payouts).filter(isRecord);
  const entry =
    entries.find((item) => readFlag(item.is_default) === true) ?? entries.find((item) => readText(item.entry_name)?.toLowerCase() === 'base') ?? entries[0];
  if (!entry) return { kind: 'fixed', model: 'other', amount: null, percent: null, partnerType: null };
  const partnerType = readText(entry.payout_type);
  const amount = readMoney(entry.payout_amount);
  const percent = readDecimal(entry.payout_percentage);
  const known = partnerType ? PAYOUT_TYPES[partnerType.toLowerCase()] : undefined;
  // An unknown type still says what it pays through which numbers it fills.
  const kind = known?.kind ?? (amount && percent ? 'fixed_and_percent' : percent ? 'percent' : 'fixed');
  return {
    kind,
    model: known?.model ?? 'other',
    amount: kind === 'percent' ? null : amount,
    percent: kind === 'fixed' ? null : percent,
    partnerType,
  };
}

const STATUSES: Record<string, ImportedOfferStatus> = { active: 'active', paused: 'paused', pending: 'pending', deleted: 'deleted' };

function readStatus(value: unknown): ImportedOfferStatus {
  const text = readText(value)?.toLowerCase();
  return (text && STATUSES[text]) || 'other';
}

/** Countries the offer's ruleset includes; an excluded country is no targeting of its own. */
function readCountries(ruleset: unknown): string[] {
  if (!isRecord(ruleset)) return [];
  const codes = new Set<string>();
  for (const country of readList(ruleset.countries)) {
    if (!isRecord(country)) continue;
    const code = readText(country.country_code);
    const targeting = readText(country.targeting_type)?.toLowerCase();
    if (code && /^[a-z]{2}$/i.test(code) && targeting !== 'exclude') codes.add(code.toUpperCase());
  }
  return [...codes].sort();
}

const CAP_PERIODS: [string, ImportedCap['period']][] = [
  ['daily', 'daily'],
  ['weekly', 'weekly'],
  ['monthly', 'monthly'],
  ['global', 'total'],
];
const CAP_METRICS: [string, ImportedCap['metric']][] = [
  ['conversion', 'conversions'],
  ['click', 'clicks'],
  ['payout', 'payout'],
];

/** `{daily|weekly|monthly|global}_{conversion|click|payout}_cap`; 0 means no cap. */
function readCaps(offer: Record<string, unknown>): ImportedCap[] {
  const caps: ImportedCap[] = [];
  for (const [metricField, metric] of CAP_METRICS) {
    for (const [periodField, period] of CAP_PERIODS) {
      const value = offer[`${periodField}_${metricField}_cap`];
      const limit = metric === 'payout' ? readMoney(value) : readInteger(value);
      if (limit !== null && limit > 0) caps.push({ metric, period, limit });
    }
  }
  return caps;
}
