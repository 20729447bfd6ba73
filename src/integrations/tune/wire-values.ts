import { parseMoney, type Micros } from '../../domain/money.js';

/**
 * TUNE sends nearly every scalar as a JSON string ("532", "2.00", "0"), sometimes as a number, and
 * null or "" for nothing. These readers accept all of them.
 */

export function readText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function readFlag(value: unknown): boolean | null {
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

/** A contained list TUNE may send as an array or as an object keyed by id. */
export function readList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.values(value);
  return [];
}
