import { parseMoney, type Micros } from '../domain/money.js';

/**
 * Readers of partner JSON scalars. TUNE sends nearly every scalar as a string ("532", "2.00", "0"),
 * Everflow mostly numbers and booleans, both null or "" for nothing: these accept all of them.
 */

export function readText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function readFlag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = readText(value);
  if (text === null) return null;
  if (text === '1' || text.toLowerCase() === 'true') return true;
  if (text === '0' || text.toLowerCase() === 'false') return false;
  return null;
}

export function readInteger(value: unknown): number | null {
  const text = readText(value);
  if (text === null || !/^-?\d+(\.0+)?$/.test(text)) return null;
  return Number.parseInt(text, 10);
}

/** "2.00000" → 2 000 000 micro-units; more than six decimals are rounded. */
export function readMoney(value: unknown): Micros | null {
  const text = readText(value);
  if (text === null) return null;
  const exact = parseMoney(text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  if (exact !== undefined) return exact;
  const number = Number(text);
  return /^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(number) ? Math.round(number * 1_000_000) : null;
}

export function readDecimal(value: unknown): number | null {
  const text = readText(value);
  if (text === null || !/^-?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list sent as an array or as an object keyed by id (TUNE's contained models). */
export function readList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.values(value);
  return [];
}

/** An absolute http(s) URL, as sent; anything else (relative, javascript:, garbage) is none. */
export function readHttpUrl(value: unknown): string | null {
  const text = readText(value);
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : null;
  } catch {
    return null;
  }
}

/** An ISO 4217 code in any case ("usd"), upper-cased; anything else is none. */
export function readCurrency(value: unknown): string | null {
  const text = readText(value)?.toUpperCase();
  return text && /^[A-Z]{3}$/.test(text) ? text : null;
}
