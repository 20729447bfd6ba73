import { z } from 'zod';
import { CAP_PERIODS } from './cap-period.js';
import { httpUrlSchema, nameSchema, settableStatusSchema, timeZoneSchema, type EntityMeta } from './entity.js';
import { currencySchema, nonNegativeMoneySchema, type Micros } from './money.js';

/** How an offer pays (and, as a campaign's objective, what it asks for). */
export const PAYOUT_MODELS = ['cpa', 'cpl', 'cpi', 'cps', 'cpc', 'cpm', 'revshare', 'other'] as const;
export type PayoutModel = (typeof PAYOUT_MODELS)[number];

/** Who may see an offer: assigned publishers only, everyone on request, or everyone. */
export const OFFER_VISIBILITIES = ['private', 'permission', 'public'] as const;
/**
 * `302`: the campaign's redirect mode applies. `200`: the visitor is never answered with a 3xx on the
 * way to this offer (campaign click straight to it, or the lander's click-through): a 200 page with a
 * meta refresh sends them on (double meta refresh stays double meta).
 */
export const REDIRECT_TYPES = ['302', '200'] as const;
/**
 * A conversion that arrives when a cap of its offer is already reached (counted as `caps.type` says)
 * is kept with the postback's status under `always` (even if the offer is paused by hand or archived)
 * and under `yes` only while the offer is paused by that cap (active, over-delivery `pause`); otherwise
 * (`no`, or `yes` with the offer paused by hand or staying active past its caps) it is recorded as
 * declined with the reason in the postback log. Conversions within the caps are never touched.
 * See domain/spillover.ts.
 */
export const SPILLOVER_MODES = ['always', 'yes', 'no'] as const;

/**
 * A cap beyond the daily/total ones: any metric, any period (the ISO week from Monday, the calendar
 * month), in the caps' time zone, enforced like them. Payout and revenue both sum what the offer's
 * conversions pay, in the account currency.
 */
export const capRuleSchema = z
  .object({
    metric: z.enum(['conversions', 'clicks', 'payout', 'revenue']).default('conversions'),
    period: z.enum(CAP_PERIODS),
    /** A count for conversions and clicks, micro-units for payout and revenue. */
    limit: z.number().int().positive(),
  })
  .strict();
export type CapRule = z.output<typeof capRuleSchema>;

/** Days (0 = Sunday) and hours (0–23) the offer takes traffic, in its own time zone. */
export const timeTargetingSchema = z
  .object({
    timeZone: timeZoneSchema,
    days: z.array(z.number().int().min(0).max(6)).min(1).default([0, 1, 2, 3, 4, 5, 6]),
    hours: z.array(z.number().int().min(0).max(23)).min(1).default([...Array(24).keys()]),
  })
  .strict();

const capsSchema = z.object({
  unit: z.enum(['conversions', 'clicks']).default('conversions'),
  daily: z.number().int().positive().nullable().default(null),
  total: z.number().int().positive().nullable().default(null),
  timeZone: timeZoneSchema.default('UTC'),
  /**
   * Conversions counted towards a cap (money caps too): all of them, whatever their status (`gross`),
   * or approved ones only — a pending one counts once it is approved, a declined one never.
   */
  type: z.enum(['gross', 'approved']).default('gross'),
  /** Caps of other metrics and periods (a network's weekly or payout caps, an integration's additional caps). */
  additional: z.array(capRuleSchema).default([]),
  /** Whether publishers may see the caps (stored and returned; Waypost itself has no publishers). */
  visible: z.boolean().default(true),
  /** When a cap is reached: skipped by funnels until the period ends (`pause`), or kept receiving traffic with the excess conversions handled by `spillover`. */
  overDelivery: z.enum(['pause', 'stay_active']).default('pause'),
});

/** An offer: what the visitor is finally sent to; its URL carries `{clickid}` for the network. */
export const offerInputSchema = z.object({
  name: nameSchema,
  offerSourceId: z.number().int().positive(),
  url: httpUrlSchema,
  /** `fixed` uses `payout`; `auto` takes the sum the postback sends. */
  payoutType: z.enum(['fixed', 'auto']).default('auto'),
  payout: nonNegativeMoneySchema.default(0),
  currency: currencySchema.default('USD'),
  /** When a cap is reached the offer is skipped by every funnel until the day (or for good, total) is over. */
  caps: capsSchema.prefault({}),
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE')).default([]),
  externalId: z.string().max(200).nullable().default(null),
  notes: z.string().max(5000).default(''),
  status: settableStatusSchema.default('active'),
  payoutModel: z.enum(PAYOUT_MODELS).default('cpa'),
  /** The campaign's primary objective (CPA, CPI, CPC …); null when it is the payout model. */
  objective: z.enum(PAYOUT_MODELS).nullable().default(null),
  /** What a publisher is paid by default, and what named publishers are paid instead. */
  publisherPayout: nonNegativeMoneySchema.nullable().default(null),
  publisherPayouts: z.array(z.object({ publisher: z.string().trim().min(1).max(200), payout: nonNegativeMoneySchema }).strict()).default([]),
  previewUrl: httpUrlSchema.nullable().default(null),
  /** The network's impression URL; it must carry `{imp_id}` (seed 001), filled with a fresh id per impression by `/imp/{campaign}?offer_id=`. */
  impressionUrl: httpUrlSchema
    .refine((url) => /\{imp_id\}|%7Bimp_id%7D/i.test(url), 'must hold the {imp_id} macro, so the network can tell impressions apart')
    .nullable()
    .default(null),
  impressionsAllowed: z.boolean().default(false),
  advertiser: z.string().max(200).nullable().default(null),
  category: z.string().max(200).nullable().default(null),
  visibility: z.enum(OFFER_VISIBILITIES).default('public'),
  redirectType: z.enum(REDIRECT_TYPES).default('302'),
  /** Outside these days and hours (in its own zone) the offer is skipped by funnels, as a capped one is. */
  timeTargeting: timeTargetingSchema.nullable().default(null),
  /** Every conversion of one click is recorded on its own (a network's "multiple conversions with the same click id"). */
  multipleConversionsPerClick: z.boolean().default(false),
  spillover: z.enum(SPILLOVER_MODES).default('no'),
  description: z.string().max(20_000).default(''),
  kpis: z.string().max(20_000).default(''),
});
export type OfferInput = z.output<typeof offerInputSchema>;
/** `integrationId`: the integration that imported it and keeps it up to date; null for offers made by hand or unlinked. */
export type Offer = Omit<OfferInput, 'status'> & EntityMeta & { integrationId: number | null };

/** The offer's fields kept in its `settings` column, with the values rows written before they existed read as. */
export const OFFER_SETTING_DEFAULTS = {
  payoutModel: 'cpa' as PayoutModel,
  objective: null,
  publisherPayout: null as Micros | null,
  publisherPayouts: [],
  previewUrl: null,
  impressionUrl: null,
  impressionsAllowed: false,
  advertiser: null,
  category: null,
  visibility: 'public',
  redirectType: '302',
  timeTargeting: null,
  multipleConversionsPerClick: false,
  spillover: 'no',
  description: '',
  kpis: '',
} satisfies Partial<OfferInput>;
export const OFFER_CAP_DEFAULTS = { type: 'gross', additional: [], visible: true, overDelivery: 'pause' } as const;

/**
 * Columns an integration's refresh may overwrite (seed 001's "updatable columns"). `payout` covers the
 * payout, its type and model and the publisher payouts; `conversionRules` the multiple-conversions and
 * spillover settings; caps follow the integration's own "update caps" setting.
 */
export const UPDATABLE_OFFER_COLUMNS = [
  'name',
  'url',
  'payout',
  'currency',
  'status',
  'visibility',
  'countries',
  'category',
  'advertiser',
  'previewUrl',
  'impressionUrl',
  'description',
  'kpis',
  'redirectType',
  'objective',
  'timeTargeting',
  'conversionRules',
] as const;
export type UpdatableOfferColumn = (typeof UPDATABLE_OFFER_COLUMNS)[number];
