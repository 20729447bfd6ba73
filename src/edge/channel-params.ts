import { SUB_COUNT } from '../domain/click.js';
import { parseMoney, type Micros } from '../domain/money.js';

/** Longest value kept for a channel parameter; longer values are cut, never refused. */
export const MAX_PARAM_LENGTH = 500;

export interface ChannelParams {
  refId: string;
  subs: string[];
  params: Record<string, string>;
  /** The `cost` the channel passed, when it parsed as an amount. */
  cost: Micros | undefined;
}

type Query = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, trimmed to a sane length; '' when absent. */
export function queryValue(query: Query, name: string): string {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string') return '';
  return value.length > MAX_PARAM_LENGTH ? value.slice(0, MAX_PARAM_LENGTH) : value;
}

/**
 * What the traffic channel passed on the click URL: its click id (`ref_id`), `sub1..sub20`, `cost`,
 * and the parameters it maps under its own names.
 */
const SUB_PARAMS = Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}`);

export function captureChannelParams(query: Query, customParams: readonly string[]): ChannelParams {
  const subs = new Array<string>(SUB_COUNT);
  for (let i = 0; i < SUB_COUNT; i++) subs[i] = queryValue(query, SUB_PARAMS[i]!);
  const params: Record<string, string> = {};
  for (const name of customParams) {
    const value = queryValue(query, name);
    if (value) params[name] = value;
  }
  const costText = queryValue(query, 'cost');
  const cost = costText ? parseMoney(costText) : undefined;
  return { refId: queryValue(query, 'ref_id'), subs, params, cost: cost !== undefined && cost >= 0 ? cost : undefined };
}

/** `https://m.news.example/a?b` → `m.news.example`; '' for anything that is not a URL. */
// scheme://[userinfo@]host[:port]: the host without a full URL parse, which costs a microsecond a click.
const REFERRER_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]+)/i;

export function referrerDomain(referrer: string): string {
  if (!referrer) return '';
  return REFERRER_HOST.exec(referrer)?.[1]?.toLowerCase() ?? '';
}
