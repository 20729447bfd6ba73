import { z } from 'zod';
import { CONVERSION_STATUSES } from '../domain/conversion-status.js';
import { DUPLICATE_STATUSES, type Conversion } from '../domain/conversion.js';
import { formatMoney } from '../domain/money.js';

export const conversionResponseSchema = z
  .object({
    id: z.number().int(),
    clickId: z.string(),
    convertedAt: z.string(),
    clickAt: z.string(),
    updatedAt: z.string(),
    type: z.string().nullable().describe('the conversion type; null for a plain conversion'),
    status: z.enum(CONVERSION_STATUSES),
    payout: z.number().describe('in the account currency'),
    currency: z.string().describe('the account currency'),
    originalPayout: z.number().describe('as sent, in originalCurrency'),
    originalCurrency: z.string(),
    eventId: z.string().nullable(),
    duplicateStatus: z.enum(DUPLICATE_STATUSES),
    origin: z.enum(['postback', 'pixel', 'upload', 'pull']),
    postbackCount: z.number().int(),
    campaignId: z.number().int(),
    trafficChannelId: z.number().int(),
    offerSourceId: z.number().int().nullable(),
    offerId: z.number().int().nullable(),
    landerId: z.number().int().nullable(),
    refId: z.string(),
    subs: z.record(z.string(), z.string()).describe('sub1..sub20 that had a value'),
    country: z.string(),
    region: z.string(),
    city: z.string(),
    isp: z.string(),
    deviceType: z.string(),
    os: z.string(),
    browser: z.string(),
    isBot: z.boolean(),
    params: z.record(z.string(), z.string()).describe('the postback parameters kept, contact data removed'),
    personalData: z
      .object({ hashedRoles: z.array(z.string()), clear: z.record(z.string(), z.string()) })
      .describe('roles whose SHA-256 is kept (the hashes are not shown) and product fields; empty after the retention period'),
  })
  .meta({ id: 'Conversion' });

const iso = (ms: number) => new Date(ms).toISOString();

/** A conversion as the API shows it: money as decimals, times as ISO instants, no hashes of contact data. */
export function presentConversion(conversion: Conversion, accountCurrency: string): z.input<typeof conversionResponseSchema> {
  const { ruleIndex: _rule, pathIndex: _path, ...rest } = conversion;
  return {
    ...rest,
    convertedAt: iso(conversion.convertedAt),
    clickAt: iso(conversion.clickAt),
    updatedAt: iso(conversion.updatedAt),
    payout: formatMoney(conversion.payout),
    currency: accountCurrency,
    originalPayout: formatMoney(conversion.originalPayout),
    subs: Object.fromEntries(conversion.subs.map((value, i) => [`sub${i + 1}`, value]).filter(([, value]) => value !== '')),
    personalData: { hashedRoles: Object.keys(conversion.personalData.hashed), clear: conversion.personalData.clear },
  };
}
