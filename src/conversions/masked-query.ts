import type { RawParams } from '../domain/postback-params.js';

// Contact fields are masked even when no offer source declares them (an unknown click has no source);
// so is the postback token, a secret.
const ALWAYS_MASKED = new Set(['token', 'email', 'phone', 'phone_number', 'fname', 'lname', 'first_name', 'last_name', 'name', 'tel', 'mobile', 'address']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The postback as it will be kept in the log: every parameter in order, with contact values replaced,
 * so the log shows what arrived without holding personal data.
 */
export function maskedQuery(params: RawParams, contactParams: ReadonlySet<string>): string {
  return Object.entries(params)
    .map(([name, value]) => {
      const masked = contactParams.has(name) || ALWAYS_MASKED.has(name) || EMAIL.test(value.trim());
      return `${encodeURIComponent(name)}=${masked ? '[removed]' : encodeURIComponent(value.slice(0, 500))}`;
    })
    .join('&')
    .slice(0, 4000);
}
