import { createHash } from 'node:crypto';
import type { OfferSource } from './offer-source.js';

/**
 * Personal data a store sends with a conversion (seed 003). Contact fields are normalised the way
 * ad platforms' conversion APIs expect and stored only as SHA-256 hex; product fields are not
 * personal and stay in clear. Raw contact values never leave this function.
 */
const CONTACT_ROLES = new Set(['first_name', 'last_name', 'phone', 'email']);

export function normaliseContact(role: string, value: string): string {
  const trimmed = value.trim().toLowerCase();
  if (role === 'phone') return trimmed.replace(/[^\d]/g, '');
  if (role === 'email') return trimmed.replace(/\s+/g, '');
  return trimmed.normalize('NFKC');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface PersonalData {
  /** role → SHA-256 of the normalised value (contact roles). */
  hashed: Record<string, string>;
  /** role → value (product roles and `other`). */
  clear: Record<string, string>;
}

export function extractPersonalData(params: Record<string, string>, source: Pick<OfferSource, 'additionalParameters'> | undefined): PersonalData {
  const result: PersonalData = { hashed: {}, clear: {} };
  for (const parameter of source?.additionalParameters ?? []) {
    const value = params[parameter.param.toLowerCase()];
    if (value === undefined || value.trim() === '') continue;
    if (CONTACT_ROLES.has(parameter.role)) {
      const normalised = normaliseContact(parameter.role, value);
      if (normalised) result.hashed[parameter.role] = sha256Hex(normalised);
    } else {
      result.clear[parameter.role === 'other' ? parameter.param : parameter.role] = value.trim().slice(0, 500);
    }
  }
  return result;
}

/** The names of an offer source's contact parameters: their values must be masked wherever a postback is kept. */
export function contactParamNames(source: Pick<OfferSource, 'additionalParameters'> | undefined): Set<string> {
  return new Set((source?.additionalParameters ?? []).filter((p) => CONTACT_ROLES.has(p.role)).map((p) => p.param.toLowerCase()));
}
