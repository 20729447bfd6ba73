import type { Click } from '../../src/domain/click.js';
import { mintClickId } from '../../src/domain/click-id.js';

/** A recorded click at a chosen time, for tests that write clicks through the event store directly. */
export function makeClick(fields: Partial<Click> & Pick<Click, 'campaignId' | 'createdAt'>): Click {
  return {
    clickId: mintClickId(fields.createdAt),
    trafficChannelId: 1,
    ruleIndex: -1,
    pathIndex: 0,
    landerId: null,
    offerId: null,
    outcome: 'routed',
    refId: '',
    subs: Array.from({ length: 20 }, () => ''),
    params: {},
    cost: 0,
    ip: '198.51.100.7',
    country: 'US',
    region: '',
    city: '',
    isp: '',
    asn: null,
    deviceType: 'desktop',
    brand: '',
    model: '',
    os: 'Windows',
    osVersion: '10',
    browser: 'Chrome',
    browserVersion: '124',
    language: 'en',
    connectionType: '',
    referrer: '',
    referrerDomain: '',
    userAgent: 'Mozilla/5.0',
    isBot: false,
    isUnique: true,
    visitorKey: 'v',
    direct: false,
    landerClickedAt: null,
    landerClickOfferId: null,
    ...fields,
  };
}

/** sub1..sub20 with the given values set, '' elsewhere. */
export function subs(values: Record<number, string>): string[] {
  return Array.from({ length: 20 }, (_, i) => values[i + 1] ?? '');
}
