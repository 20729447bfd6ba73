import { z } from 'zod';
import { conversionStatusSchema } from './conversion-status.js';
import { duplicateModeSchema } from './duplicate-mode.js';
import { nameSchema, settableStatusSchema, type EntityMeta } from './entity.js';
import { currencySchema } from './money.js';

/**
 * An offer source: an affiliate network or a brand's store that sends conversions back. It knows
 * the macros the network fills into Waypost's postback URL (`clickid={cid}&sum={total_price}`), how
 * the network names statuses, and the personal-data parameters it adds (seed 003).
 */

export const PERSONAL_DATA_ROLES = [
  'first_name',
  'last_name',
  'phone',
  'email',
  'content_ids',
  'product_name',
  'other',
] as const;

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const paramName = z.string().regex(PARAM_NAME, 'must be a query parameter name');
const macro = z.string().trim().min(1).max(200);

export const offerSourceInputSchema = z.object({
  name: nameSchema,
  templateKey: z.string().max(64).nullable().default(null),
  /** The network's macros that fill Waypost's postback parameters. */
  postbackMacros: z
    .object({
      clickid: macro,
      sum: macro.optional(),
      status: macro.optional(),
      type: macro.optional(),
      event_id: macro.optional(),
      currency: macro.optional(),
    })
    .default({ clickid: '{clickid}' }),
  /** The network's status values mapped to Waypost's four statuses, e.g. {"1": "approved", "sale": "approved"}. */
  statusMapping: z.record(z.string().min(1).max(64), conversionStatusSchema).default({}),
  defaultStatus: conversionStatusSchema.default('approved'),
  duplicateMode: duplicateModeSchema.nullable().default(null),
  additionalParameters: z
    .array(z.object({ param: paramName, macro, role: z.enum(PERSONAL_DATA_ROLES) }))
    .max(30)
    .default([]),
  postbackToken: z.string().min(8, 'must be at least 8 characters').max(200).nullable().default(null),
  ipAllowlist: z
    .array(
      z.string().refine(isIpOrCidr, 'must be an IP address or CIDR range such as 203.0.113.0/24'),
    )
    .max(200)
    .default([]),
  currency: currencySchema.default('USD'),
  status: settableStatusSchema.default('active'),
});
export type OfferSourceInput = z.output<typeof offerSourceInputSchema>;
export type OfferSource = Omit<OfferSourceInput, 'status'> & EntityMeta;

function isIpOrCidr(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  const version = ipVersion(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function ipVersion(address: string): 0 | 4 | 6 {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(address)) return 4;
  if (/^[0-9a-fA-F:.]+$/.test(address) && address.includes(':')) return 6;
  return 0;
}

/** The postback URL to paste into the network: Waypost's parameters filled with the network's macros. */
export function renderOfferSourcePostbackUrl(baseUrl: string, source: Pick<OfferSourceInput, 'postbackMacros' | 'additionalParameters' | 'postbackToken'>): string {
  const pairs: [string, string][] = [];
  for (const [param, value] of Object.entries(source.postbackMacros)) {
    if (value) pairs.push([param, value]);
  }
  for (const extra of source.additionalParameters) pairs.push([extra.param, extra.macro]);
  if (source.postbackToken) pairs.push(['token', source.postbackToken]);
  // Macros stay unencoded: the network replaces them before calling us.
  const query = pairs.map(([param, value]) => `${param}=${value}`).join('&');
  return `${baseUrl}/postback?${query}`;
}
