import type { ConversionStatus } from '../domain/conversion-status.js';
import type { Micros } from '../domain/money.js';

/**
 * What every partner connector (TUNE, Everflow, Trackier, CAKE, …) offers the offer-import engine
 * and the conversion pull, in partner-neutral words. A connector only talks to the partner: it
 * never reads or writes storage, so the engine decides what to create, update or skip.
 */
export interface PartnerConnector {
  /** The partner's key, as in the offer-source templates (`tune`, `everflow`, …). */
  readonly partner: string;
  /** One real call; reports what it saw instead of throwing for the partner's own refusals. */
  testConnection(): Promise<ConnectionCheck>;
  /**
   * Offers page by page. The iterator ends normally only after the last page; a failure on any page
   * throws a ConnectorError, so pages already yielded must never be taken for a complete import.
   */
  fetchOffers(): AsyncIterable<ImportedOfferPage>;
  /** Conversions recorded in the window (a pull runs with a lookback, so the same ones come again). */
  fetchConversions(window: ConversionWindow): AsyncIterable<PulledConversionPage>;
  /** The fields a conversion's click id candidates come from, in the order tried, for "no click id in …" reasons. */
  readonly conversionClickIdFields?: readonly string[];
}

export type ConnectionCheck =
  /** `offersVisible`: null for a traffic channel's API, which has campaigns rather than offers (its message says how many). */
  | { ok: true; offersVisible: number | null; message: string }
  | { ok: false; message: string; retryable: boolean };

export interface ImportedOfferPage {
  /** 1-based. */
  page: number;
  /** Pages the partner announced; null when it does not page (everything came at once). */
  pageCount: number | null;
  offers: ImportedOffer[];
  /** Records the partner sent that cannot be an offer, each with the reason (for the run log). */
  skipped: SkippedRecord[];
}

export interface SkippedRecord {
  externalId: string | null;
  reason: string;
}

/** How an offer pays. The model is what seed 001's "offer models" filter picks from. */
export type PayoutModel = 'cpa' | 'cpl' | 'cpi' | 'cps' | 'cpc' | 'cpm' | 'revshare' | 'other';

export interface ImportedPayout {
  /** `fixed`: an amount per event; `percent`: a share of the sale; `fixed_and_percent`: both. */
  kind: 'fixed' | 'percent' | 'fixed_and_percent';
  model: PayoutModel;
  /** Per event (per mille for CPM); null when the partner sent none. */
  amount: Micros | null;
  /** Share of the sale in percent (30 = 30 %); null unless the kind includes a percentage. */
  percent: number | null;
  /** The partner's own spelling (`cpa_flat`, …), for logs. */
  partnerType: string | null;
}

export type ImportedOfferStatus = 'active' | 'paused' | 'pending' | 'expired' | 'deleted' | 'other';

export interface ImportedCap {
  metric: 'conversions' | 'clicks' | 'payout' | 'revenue';
  period: 'daily' | 'weekly' | 'monthly' | 'total';
  /** A count for conversions and clicks, micro-units for payout and revenue. */
  limit: number;
}

export interface ImportedOffer {
  externalId: string;
  name: string;
  /** The partner's click URL for us (the link to send visitors to); null when the partner gave none. */
  trackingUrl: string | null;
  /** The advertiser's landing page behind the tracking link, when the partner shows it (network APIs). */
  destinationUrl: string | null;
  previewUrl: string | null;
  /** The impression pixel's URL, when the partner has one. */
  impressionUrl: string | null;
  payout: ImportedPayout;
  /** ISO 4217; null when the partner did not say (its account currency applies). */
  currency: string | null;
  advertiser: { externalId: string | null; name: string | null } | null;
  status: ImportedOfferStatus;
  /** The partner's own status spelling, for logs. */
  partnerStatus: string | null;
  /** ISO 3166 alpha-2, upper case; empty when the partner sent no targeting (not "no country"). */
  countries: string[];
  /** The partner's categories, first the main one; empty when none was sent. */
  categories: string[];
  description: string | null;
  requiresApproval: boolean | null;
  /** Only caps the partner sends with a limit; an absent cap means none was sent. */
  caps: ImportedCap[];
}

export interface ConversionWindow {
  /** Inclusive instant. */
  from: Date;
  /** Exclusive instant. */
  to: Date;
}

export interface PulledConversionPage {
  page: number;
  pageCount: number | null;
  conversions: PulledConversion[];
  /** Rows that cannot be a conversion (no id, no readable time), each with the reason. */
  skipped: SkippedRecord[];
}

/** One way a pulled conversion may name its click; candidates are tried in order (seed 004's passes). */
export interface ClickIdCandidate {
  /** Where the value came from, for logs: `Stat.ad_id`, `aff_sub`, … */
  source: string;
  value: string;
}

export interface PulledConversion {
  /** Stable across pulls, so a later pull updates the same conversion. */
  externalId: string;
  clickIdCandidates: ClickIdCandidate[];
  status: ConversionStatus;
  partnerStatus: string | null;
  payout: Micros;
  currency: string | null;
  at: Date;
  offerExternalId: string | null;
  /** The partner's transaction id (TUNE `Stat.ad_id`), also the event id for deduplication with postbacks. */
  transactionId: string | null;
}

/**
 * Any failure talking to a partner. `partnerMessage` is the partner's own words when it sent some
 * (shown to the user as is); `retryable` says whether the same call later may succeed (rate limit,
 * timeout, 5xx) or needs the user to act (bad key, refused URL, unexpected answer).
 */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly partner: string;
  readonly partnerMessage: string | null;
  readonly retryable: boolean;
  readonly httpStatus: number | null;

  constructor(options: { partner: string; message: string; partnerMessage?: string | null; retryable: boolean; httpStatus?: number | null; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.partner = options.partner;
    this.partnerMessage = options.partnerMessage ?? null;
    this.retryable = options.retryable;
    this.httpStatus = options.httpStatus ?? null;
  }
}

/**
 * A pulled conversion's click id candidates from the sub fields a partner echoes back: the configured
 * field first, then every other field that carries a value (a user who moved `{clickid}` to another
 * sub keeps matching; a value that is not one of our click ids matches nothing), each value once.
 * `name` gives the field as the partner's report spells it, for logs.
 */
export function subFieldCandidates(
  configured: string,
  fields: readonly string[],
  read: (field: string) => string | null,
  name: (field: string) => string = (field) => field,
): ClickIdCandidate[] {
  const candidates: ClickIdCandidate[] = [];
  for (const field of [configured, ...fields.filter((field) => field !== configured)]) {
    const value = read(field);
    if (value && !candidates.some((candidate) => candidate.value === value)) candidates.push({ source: name(field), value });
  }
  return candidates;
}

/** A failed connection test from a partner's error: its own words and whether trying later may help. */
export function failedConnectionCheck(error: unknown): ConnectionCheck {
  if (!(error instanceof ConnectorError)) throw error;
  return { ok: false, message: error.partnerMessage ?? error.message, retryable: error.retryable };
}

/** One page of a partner's offer records, each mapped to an offer or skipped with its reason. */
export function offerPage(
  page: number,
  pageCount: number | null,
  records: readonly unknown[],
  map: (record: unknown) => { offer: ImportedOffer } | { skipped: SkippedRecord },
): ImportedOfferPage {
  const offers: ImportedOffer[] = [];
  const skipped: SkippedRecord[] = [];
  for (const record of records) {
    const mapped = map(record);
    if ('offer' in mapped) offers.push(mapped.offer);
    else skipped.push(mapped.skipped);
  }
  return { page, pageCount, offers, skipped };
}
