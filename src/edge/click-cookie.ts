import { isClickIdShaped } from '../domain/click-id.js';

/** The first-party cookie that lets lander clicks and the conversion pixel find the visitor's click. */
export const CLICK_COOKIE = 'wp_cid';
const MAX_AGE_SECONDS = 90 * 24 * 3600;

export function clickCookie(clickId: string, secure: boolean): string {
  return `${CLICK_COOKIE}=${clickId}; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=${secure ? 'None; Secure' : 'Lax'}`;
}

/** The click id in a Cookie header, when it holds one of ours. */
export function clickIdFromCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /(?:^|;\s*)wp_cid=([0-9a-z]+)/.exec(header);
  return match && isClickIdShaped(match[1]) ? match[1] : undefined;
}
