import { formatMoney, type Micros } from '../domain/money.js';
import { offerInputSchema, type Offer, type OfferInput, type UpdatableOfferColumn } from '../domain/offer.js';
import { fieldPath } from '../domain/use-case-error.js';
import { appendUrlParameters } from './append-url-parameters.js';
import type { ImportedCap, ImportedOffer } from './connector.js';
import type { ImportSettings } from './import-settings.js';

export interface MappingContext {
  integrationId: number;
  offerSourceId: number;
  /** The offer source's currency, for offers the partner sends without one. */
  sourceCurrency: string;
  /** An amount in the account currency with the stored rates; undefined when none is stored for `currency`. */
  toAccount(amount: Micros, currency: string): Micros | undefined;
}

/**
 * A partner's offer as a Waypost offer under the integration's settings, checked by the offer's own
 * schema (the same the API applies), or the reason it cannot be one.
 */
export function mapImportedOffer(offer: ImportedOffer, settings: ImportSettings, context: MappingContext): { input: OfferInput } | { skip: string } {
  const link = offer.trackingUrl ?? offer.destinationUrl;
  if (!link) return { skip: 'no tracking URL' };
  const macros = { offerExternalId: offer.externalId, integrationId: context.integrationId };
  const amount = offer.payout.amount;
  const currency = settings.currency ?? offer.currency ?? context.sourceCurrency;
  // Caps are enforced in the account currency (offer-caps.ts); the partner states money caps in the offer's.
  const partnerCaps: ImportedCap[] = [];
  for (const cap of offer.caps) {
    if (cap.metric !== 'payout' && cap.metric !== 'revenue') {
      partnerCaps.push(cap);
      continue;
    }
    const limit = context.toAccount(cap.limit, currency);
    if (limit === undefined) return { skip: `its ${cap.period} ${cap.metric} cap is in ${currency} and no ${currency} rate is stored to enforce it in the account currency: store one (PUT /api/v1/currency-rates/${currency}) and refresh` };
    partnerCaps.push({ ...cap, limit: Math.max(1, limit) });
  }
  const units = (micros: number) => formatMoney(micros);
  const share = (ratio: number) => (amount === null ? null : units(Math.round(amount * ratio)));

  // The API's shape (money in units): the offer schema parses it as it parses a POST.
  const raw = {
    name: offer.name,
    offerSourceId: context.offerSourceId,
    url: appendUrlParameters(link, settings.trackingUrlParameters, macros),
    payoutType: amount !== null && offer.payout.kind !== 'percent' ? 'fixed' : 'auto',
    payout: units(amount ?? 0),
    currency,
    caps: capsOf(partnerCaps, settings),
    countries: offer.countries,
    externalId: offer.externalId,
    status: settings.offerStatus === 'partner' ? (offer.status === 'active' ? 'active' : 'paused') : settings.offerStatus,
    payoutModel: offer.payout.model,
    objective: settings.primaryObjective,
    publisherPayout: share(settings.payoutRatio),
    publisherPayouts: settings.publisherPayouts
      .map((entry) => ({ publisher: entry.publisher, payout: entry.payout ?? share(entry.ratio!) }))
      .filter((entry) => entry.payout !== null),
    previewUrl: offer.previewUrl,
    impressionUrl: settings.allowImpressions && offer.impressionUrl ? appendUrlParameters(offer.impressionUrl, settings.impressionUrlParameters, macros) : null,
    impressionsAllowed: settings.allowImpressions,
    advertiser: settings.advertiser ?? offer.advertiser?.name ?? null,
    // Seed 001: the partner's category wins when it sends one.
    category: offer.categories[0] ?? settings.category,
    visibility: settings.visibility,
    redirectType: settings.redirectType,
    timeTargeting: settings.timeTargeting,
    multipleConversionsPerClick: settings.multipleConversionsPerClick,
    spillover: settings.spillover,
    description: [settings.description, offer.description ?? ''].filter((text) => text.trim() !== '').join('\n\n'),
    kpis: settings.kpis,
  };
  const parsed = offerInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { skip: `not a valid offer: ${fieldPath(issue.path as (string | number)[])}: ${issue.message}` };
  }
  return { input: parsed.data };
}

/** Daily and total conversion (else click) caps are the ones funnels enforce; every other cap is kept beside them. */
function capsOf(caps: ImportedCap[], settings: ImportSettings) {
  const unit = caps.some((cap) => cap.metric === 'conversions') ? 'conversions' : 'clicks';
  const enforced = (period: ImportedCap['period']) => caps.find((cap) => cap.metric === unit && cap.period === period)?.limit ?? null;
  const daily = enforced('daily');
  const total = enforced('total');
  const additional = [
    ...caps.filter((cap) => !(cap.metric === unit && (cap.period === 'daily' || cap.period === 'total'))),
    ...settings.caps.additional,
  ];
  return { unit, daily, total, timeZone: settings.caps.timeZone, type: settings.caps.type, additional, visible: settings.caps.visible, overDelivery: settings.caps.overDelivery };
}

const COLUMN_FIELDS: Record<UpdatableOfferColumn, (keyof OfferInput)[]> = {
  name: ['name'],
  url: ['url'],
  payout: ['payoutType', 'payout', 'payoutModel', 'publisherPayout', 'publisherPayouts'],
  currency: ['currency'],
  status: ['status'],
  visibility: ['visibility'],
  countries: ['countries'],
  category: ['category'],
  advertiser: ['advertiser'],
  previewUrl: ['previewUrl'],
  impressionUrl: ['impressionUrl', 'impressionsAllowed'],
  description: ['description'],
  kpis: ['kpis'],
  redirectType: ['redirectType'],
  objective: ['objective'],
  timeTargeting: ['timeTargeting'],
  conversionRules: ['multipleConversionsPerClick', 'spillover'],
};

/**
 * The offer after a refresh: the updatable columns from the partner, everything else as it is in
 * Waypost (a manual edit of an unchecked column survives). Caps follow "update caps"; notes are the user's.
 */
export function refreshOffer(existing: Offer, fresh: OfferInput, settings: ImportSettings): OfferInput {
  const current = Object.fromEntries(Object.keys(offerInputSchema.shape).map((key) => [key, existing[key as keyof Offer]])) as OfferInput;
  current.status = existing.status === 'paused' ? 'paused' : 'active';
  const next: Record<string, unknown> = { ...current };
  for (const column of settings.updatableColumns) for (const field of COLUMN_FIELDS[column]) next[field] = fresh[field];
  if (settings.caps.update) next.caps = fresh.caps;
  return next as OfferInput;
}

/** Whether a refresh changes what is stored (so re-importing the same offers updates nothing). */
export function offerChanged(existing: Offer, next: OfferInput): boolean {
  return Object.keys(offerInputSchema.shape).some((key) => canonical(existing[key as keyof Offer]) !== canonical(next[key as keyof OfferInput]));
}

/** JSON with object keys sorted: a stored offer's nested objects may list their keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );
}
