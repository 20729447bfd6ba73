import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Offer } from '../domain/offer.js';
import type { VisitorAnswer } from './visitor-answer.js';

export type RedirectMode = '302' | 'meta' | 'double_meta';

/**
 * How a visitor is sent to an offer: an offer whose redirect type is `200` is never answered with a
 * 3xx, so where the campaign (or the lander's click-through) would send a 302 it gets the 200
 * meta-refresh page; meta and double meta are 200 pages already and stay as they are.
 */
export function offerRedirectMode(mode: RedirectMode, offer: Pick<Offer, 'redirectType'> | undefined): RedirectMode {
  return mode === '302' && offer?.redirectType === '200' ? 'meta' : mode;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function metaRefreshPage(url: string): string {
  const safe = escapeHtml(url);
  // no-referrer on the page itself, plus the refresh: the destination sees no referrer either way.
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${safe}"><title>Redirecting…</title></head><body><a href="${safe}">Continue</a></body></html>`;
}

/**
 * Sends the visitor on: a 302, a meta-refresh page, or a double meta refresh whose second hop is
 * Waypost's own `/r?t={token}` page, so the destination sees Waypost (or nothing) as the referrer, never
 * the traffic source. The token is the target URL signed with the server's key: `/r` is not an open
 * redirect.
 */
export class Redirector {
  constructor(private readonly key: Buffer) {}

  /** The answer that sends the visitor to `url`; `setCookie` goes out with it (the click cookie). */
  answer(mode: RedirectMode, url: string, setCookie?: string): VisitorAnswer {
    const headers: Record<string, string> = setCookie === undefined ? {} : { 'set-cookie': setCookie };
    headers['cache-control'] = 'no-store';
    headers['referrer-policy'] = 'no-referrer';
    if (mode === '302') {
      headers.location = url;
      headers['content-length'] = '0';
      return { status: 302, headers, body: undefined };
    }
    const page = metaRefreshPage(mode === 'meta' ? url : `/r?t=${this.sign(url)}`);
    headers['content-type'] = 'text/html; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(page));
    return { status: 200, headers, body: page };
  }

  /** The second hop of a double meta refresh; undefined when the token was not made by us. */
  secondHop(token: string): string | undefined {
    const dot = token.lastIndexOf('.');
    if (dot < 1) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Buffer.from(payload, 'base64url').toString('utf8');
  }

  secondHopPage(url: string): string {
    return metaRefreshPage(url);
  }

  private sign(url: string): string {
    const payload = Buffer.from(url, 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update('double-meta:').update(payload).digest().subarray(0, 16);
  }
}
