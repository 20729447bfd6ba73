import { z } from 'zod';
import { timeZoneSchema } from '../domain/entity.js';
import { parseMoney, type Micros } from '../domain/money.js';
import { OFFER_VISIBILITIES, PAYOUT_MODELS, REDIRECT_TYPES, SPILLOVER_MODES, UPDATABLE_OFFER_COLUMNS, capRuleSchema, timeTargetingSchema } from '../domain/offer.js';

/**
 * How an offer-source integration imports offers: every setting of a network integration (seed 001),
 * partner-independent. Stored in the integration's settings under `import`; the engine
 * (import-offers.ts) is the only reader.
 */

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE');

/**
 * One parameter appended to every imported tracking (or impression) URL. The value may hold Waypost's
 * click macros (`{clickid}`, `{sub1}` …, filled at redirect), `{imp_id}` on impression URLs, and the
 * import macros `{offer_external_id}` and `{integration_id}` filled at import; seed 004's
 * `{{messageId}}`, `{{offerId}}` and `{{externalId}}` are accepted for the same.
 */
export const urlParameterSchema = z.object({
  key: z.string().trim().min(1).max(100).regex(/^[^&=?#\s]+$/, 'must be a bare parameter name'),
  value: z.string().max(500),
});
export type UrlParameter = z.output<typeof urlParameterSchema>;

/**
 * An amount in the account's units (12.5), kept as given: settings are stored as parsed and parsed
 * again on every change and run, so they must not turn into micro-units (see `micros`).
 */
const amountSchema = z.number().min(0).refine((value) => parseMoney(value) !== undefined, 'must be a decimal amount with at most 6 decimals, e.g. 1.25');

export function micros(amount: number): Micros {
  return parseMoney(amount)!;
}

const payoutRangeShape = {
  minPayout: amountSchema.nullable().default(null),
  maxPayout: amountSchema.nullable().default(null),
};

export const importFiltersSchema = z
  .object({
    /** `allow`: only offers targeting one of `countries`; `block`: none targeting one of them. */
    countryLogic: z.enum(['all', 'allow', 'block']).default('all'),
    countries: z.array(countryCode).default([]),
    skipWithoutPreviewUrl: z.boolean().default(false),
    /** Payout models to import; empty imports every model. */
    models: z.array(z.enum(PAYOUT_MODELS)).default([]),
    ...payoutRangeShape,
    /** Offers shown to be for another OS (by the partner, or a store link / OS name in the offer) are skipped. */
    os: z.enum(['all', 'android', 'ios']).default('all'),
    /** For an offer targeting the country, its own payout range replaces the global one. */
    geo: z.array(z.object({ country: countryCode, ...payoutRangeShape })).default([]),
  })
  .strict();

export const importCapsSchema = z
  .object({
    /** Refresh caps from the partner (and the additional ones) on every import; otherwise only on creation. */
    update: z.boolean().default(true),
    /** What counts towards a conversion cap: every conversion (`gross`) or approved ones. */
    type: z.enum(['gross', 'approved']).default('gross'),
    /** Caps added to every imported offer besides the partner's. */
    additional: z.array(capRuleSchema).default([]),
    visible: z.boolean().default(true),
    timeZone: timeZoneSchema.default('UTC'),
    /** When a cap is reached: the offer pauses, or stays active (over-delivery allowed). */
    overDelivery: z.enum(['pause', 'stay_active']).default('pause'),
  })
  .strict();

export const importSettingsSchema = z
  .object({
    trackingUrlParameters: z.array(urlParameterSchema).max(50).default([]),
    impressionUrlParameters: z.array(urlParameterSchema).max(50).default([]),
    /** The advertiser this integration stands for; when null the partner's advertiser name is kept. */
    advertiser: z.string().trim().min(1).max(200).nullable().default(null),
    /** For offers the partner sends without a category. */
    category: z.string().trim().min(1).max(200).nullable().default(null),
    /** `partner`: active when the partner's offer is active, paused otherwise. */
    offerStatus: z.enum(['partner', 'active', 'paused']).default('partner'),
    visibility: z.enum(OFFER_VISIBILITIES).default('public'),
    /** Publisher payout = the partner's payout × ratio (seed 001: 0.9 of 10 USD is 9 USD). */
    payoutRatio: z.number().min(0).max(10).default(1),
    /** A fixed payout, or a ratio of the partner's, for a named publisher. */
    publisherPayouts: z
      .array(
        z
          .object({ publisher: z.string().trim().min(1).max(200), payout: amountSchema.nullable().default(null), ratio: z.number().min(0).max(10).nullable().default(null) })
          .strict()
          .refine((entry) => (entry.payout === null) !== (entry.ratio === null), 'give either payout or ratio'),
      )
      .default([]),
    filters: importFiltersSchema.prefault({}),
    /** Minutes between scheduled imports (the worker's schedule reads it). */
    frequencyMinutes: z.number().int().min(15).max(10_080).default(60),
    /** Columns a refresh overwrites; one left out keeps its value (a manual edit) once the offer exists. */
    updatableColumns: z.array(z.enum(UPDATABLE_OFFER_COLUMNS)).default([...UPDATABLE_OFFER_COLUMNS]),
    redirectType: z.enum(REDIRECT_TYPES).default('302'),
    /** Replaces the partner's payout model as the offer's objective; null keeps the partner's. */
    primaryObjective: z.enum(PAYOUT_MODELS).nullable().default(null),
    /** Replaces the partner's currency on every imported offer. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').nullable().default(null),
    timeTargeting: timeTargetingSchema.nullable().default(null),
    multipleConversionsPerClick: z.boolean().default(false),
    allowImpressions: z.boolean().default(false),
    spillover: z.enum(SPILLOVER_MODES).default('no'),
    /** Put before the partner's description of every imported offer. */
    description: z.string().max(10_000).default(''),
    /** Added to every imported offer's KPIs. */
    kpis: z.string().max(10_000).default(''),
    caps: importCapsSchema.prefault({}),
    /** The partner's offer ids to import; empty imports all. */
    offerIds: z.array(z.string().trim().min(1).max(200)).default([]),
  })
  .strict()
  .superRefine((settings, ctx) => {
    // Seed 001: the impression link must carry {imp_id}, or impressions cannot be told apart.
    if (settings.allowImpressions && !settings.impressionUrlParameters.some((parameter) => parameter.value.includes('{imp_id}'))) {
      ctx.addIssue({ code: 'custom', path: ['impressionUrlParameters'], message: 'must hold the {imp_id} macro when impressions are allowed' });
    }
  });
export type ImportSettings = z.output<typeof importSettingsSchema>;

export function readImportSettings(settings: Record<string, unknown>): ImportSettings {
  return importSettingsSchema.parse(settings.import ?? {});
}
