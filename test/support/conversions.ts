import type { Conversion, NewConversion } from '../../src/domain/conversion.js';
import type { EntityStore } from '../../src/store/entity-store.js';

/** A conversion as attribution would store it, for tests of what happens after (channel postbacks). */
export function newConversion(changes: Partial<NewConversion> & Pick<NewConversion, 'campaignId' | 'trafficChannelId'>): NewConversion {
  return {
    clickId: '1hwt0d7g0gcw74x6wqhrj0t945nz8',
    convertedAt: Date.now(),
    clickAt: Date.now() - 60_000,
    type: null,
    status: 'approved',
    payout: 12_500_000,
    originalPayout: 12_500_000,
    originalCurrency: 'USD',
    eventId: null,
    origin: 'postback',
    offerSourceId: null,
    offerId: null,
    landerId: null,
    ruleIndex: -1,
    pathIndex: 0,
    refId: 'zp-click-77',
    subs: Array.from({ length: 20 }, () => ''),
    country: 'US',
    region: '',
    city: '',
    isp: '',
    deviceType: 'mobile',
    os: 'iOS',
    browser: 'Safari',
    isBot: false,
    params: {},
    personalData: {} as NewConversion['personalData'],
    ...changes,
  };
}

/** Stores a conversion with no duplicate rule (every one is a new row). */
export async function recordConversion(store: EntityStore, changes: Parameters<typeof newConversion>[0]): Promise<Conversion> {
  const { conversion } = await store.conversions.record(newConversion(changes), { dedupeKey: null, onConflict: 'none', duplicateStatus: 'unknown' });
  return conversion;
}
