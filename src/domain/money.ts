import { z } from 'zod';

/**
 * Money is held as integer micro-units (1 USD = 1 000 000) from the moment it is parsed, so sums and
 * payout ratios never meet binary floating point. A decimal string is parsed digit by digit; a JSON
 * number is first printed back to its shortest decimal form, which is exact for up to six decimals.
 */
export type Micros = number;

export const MICROS_PER_UNIT = 1_000_000;
const DECIMAL = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;

export function parseMoney(value: string | number): Micros | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  const micros = Number(whole) * MICROS_PER_UNIT + Number(fraction.padEnd(6, '0'));
  return minus ? -micros : micros;
}

export function formatMoney(micros: Micros): number {
  return micros / MICROS_PER_UNIT;
}

/** A money amount in an API body: a number or decimal string with at most six decimals. */
export const moneySchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const micros = parseMoney(value);
    if (micros === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a decimal amount with at most 6 decimals, e.g. 1.25' });
      return z.NEVER;
    }
    return micros;
  });

export const nonNegativeMoneySchema = moneySchema.refine((micros) => micros >= 0, 'must not be negative');

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');
