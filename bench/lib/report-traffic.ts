import type { Click } from '../../src/domain/click.js';
import { clickIdLowerBound } from '../../src/domain/click-id.js';
import type { ConversionStatus } from '../../src/domain/conversion-status.js';
import { clickDimensionsOf, type NewConversion } from '../../src/domain/conversion.js';
import { SeededRandom, WeightedChoice, zipfWeights } from './report-random.js';

/**
 * The traffic of the reports benchmark: a media buyer's month. Shares are skewed as in real accounts
 * (a few campaigns and countries carry most clicks, sub1 placements follow Zipf's law), and every
 * value comes from a seeded generator, so the same seed always gives the same clicks and conversions.
 */

export interface TrafficSpec {
  seed: string;
  clicks: number;
  /** Expected conversions; the drawn number lands within a fraction of a percent of it. */
  conversions: number;
  /** Unix ms, inclusive; clicks fill [from, to). */
  from: number;
  to: number;
  /** The zone whose day the traffic's daily rhythm follows (the zone of the day × campaign report). */
  timeZone: string;
}

/**
 * The month the bench reports on: 30 days of New York time, daylight saving time ending inside it
 * (November 1st has 25 hours), 10 million clicks and 300 thousand conversions.
 */
export const BENCH_MONTH: TrafficSpec = {
  seed: 'waypost-reports',
  clicks: 10_000_000,
  conversions: 300_000,
  from: Date.parse('2026-10-20T04:00:00Z'),
  to: Date.parse('2026-11-19T05:00:00Z'),
  timeZone: 'America/New_York',
};

export const CARDINALITY = {
  campaigns: 100,
  offers: 1_000,
  countries: 200,
  sub1: 100_000,
  trafficChannels: 20,
  offerSources: 25,
  landers: 200,
} as const;

/** Offers per campaign: the campaigns' offer lists are disjoint, so together they use all 1 000. */
const OFFERS_PER_CAMPAIGN = CARDINALITY.offers / CARDINALITY.campaigns;
const LANDERS_PER_CAMPAIGN = CARDINALITY.landers / CARDINALITY.campaigns;
const LANDER_PATH_SHARE = 0.6;
const LANDER_CLICK_THROUGH = 0.35;
const BOT_SHARE = 0.02;
const UNIQUE_SHARE = 0.85;
/** Share of a campaign's clicks from the countries it targets; the rest spill over from everywhere. */
const TARGETED_SHARE = 0.65;
export const CONVERSION_TYPES = ['Lead', 'Purchase'] as const;
const HOUR = 3_600_000;

/** 200 ISO 3166 codes, the traffic-heavy ones first (they get the head of the Zipf curve). */
export const COUNTRIES = (
  'US GB DE FR BR IN ID MX CA IT ES PH TH VN JP KR AU TR PL NL RU EG ZA NG AR CO PE CL MY PK BD SA AE UA RO SE BE AT CH PT ' +
  'CZ GR HU DK FI NO IE NZ IL SG HK TW KE MA DZ TN GH CI SN CM ET TZ UG ZM ZW AO MZ MG BO EC VE UY PY GT HN SV NI CR PA DO ' +
  'CU JM TT PR HT BS BB BZ GY SR KZ UZ TM KG TJ AZ GE AM BY MD LT LV EE SK SI HR BA RS ME MK AL BG CY MT LU IS LI MC AD SM ' +
  'QA KW BH OM JO LB SY IQ IR AF NP LK MM KH LA MN BT MV BN TL PG FJ SB VU WS TO KI FM MH PW NR TV NC PF YE SD SS LY ML NE ' +
  'TD BF BJ TG LR SL GN GW GM MR CV ST GQ GA CG CD CF RW BI DJ ER SO KM SC MU BW NA LS SZ MW RE YT GP MQ GF PM AW CW SX BQ'
).split(' ');

interface DeviceProfile {
  weight: number;
  deviceType: string;
  brand: string;
  model: string;
  os: string;
  osVersion: string;
  browser: string;
  browserVersion: string;
  userAgent: string;
}

const DEVICES: DeviceProfile[] = [
  { weight: 30, deviceType: 'mobile', brand: 'Apple', model: 'iPhone', os: 'iOS', osVersion: '17.4', browser: 'Mobile Safari', browserVersion: '17.4', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
  { weight: 25, deviceType: 'mobile', brand: 'Samsung', model: 'SM-S921B', os: 'Android', osVersion: '14', browser: 'Chrome', browserVersion: '124.0.6367.82', userAgent: 'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36' },
  { weight: 10, deviceType: 'mobile', brand: 'Xiaomi', model: '23049PCD8G', os: 'Android', osVersion: '13', browser: 'Chrome', browserVersion: '123.0.6312.99', userAgent: 'Mozilla/5.0 (Linux; Android 13; 23049PCD8G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36' },
  { weight: 20, deviceType: 'desktop', brand: '', model: '', os: 'Windows', osVersion: '10', browser: 'Chrome', browserVersion: '124.0.0.0', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' },
  { weight: 8, deviceType: 'desktop', brand: 'Apple', model: 'Macintosh', os: 'Mac OS', osVersion: '10.15.7', browser: 'Safari', browserVersion: '17.4', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15' },
  { weight: 4, deviceType: 'tablet', brand: 'Apple', model: 'iPad', os: 'iOS', osVersion: '17.4', browser: 'Mobile Safari', browserVersion: '17.4', userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
  { weight: 3, deviceType: 'desktop', brand: '', model: '', os: 'Windows', osVersion: '10', browser: 'Edge', browserVersion: '124.0.2478.51', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51' },
];
const LANGUAGES = ['en', 'en', 'en', 'de', 'es', 'fr', 'pt', 'it', 'ru', 'ja'];
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

export interface CampaignPlan {
  index: number;
  channel: number;
  /** Cost per click, micro-units. */
  cpc: number;
  countries: number[];
  /** Indexes of its offers (into the offer plans) and their Zipf weights. */
  offers: number[];
  offerChoice: WeightedChoice;
  landers: number[];
}

export interface OfferPlan {
  index: number;
  offerSource: number;
  /** Fixed payout, micro-units. */
  payout: number;
  /** How well it converts against the average offer. */
  conversionFactor: number;
}

/** The configuration the traffic runs through, as indexes; the dataset creates the entities and maps them to ids. */
export interface TrafficPlan {
  campaigns: CampaignPlan[];
  offers: OfferPlan[];
  campaignChoice: WeightedChoice;
}

/** Ids the stores gave the planned entities, by plan index. */
export interface EntityIds {
  trafficChannels: number[];
  offerSources: number[];
  offers: number[];
  landers: number[];
  campaigns: number[];
}

export function planTraffic(seed: string): TrafficPlan {
  const random = new SeededRandom(`${seed}/entities`);
  const countryChoice = new WeightedChoice(zipfWeights(CARDINALITY.countries, 1.3));
  const offers: OfferPlan[] = Array.from({ length: CARDINALITY.offers }, (_, index) => ({
    index,
    offerSource: index % CARDINALITY.offerSources,
    // 0.50 to 40.00 in whole cents, lower payouts more common.
    payout: Math.round(50 + 3950 * random.next() ** 2) * 10_000,
    conversionFactor: 0.2 + 1.6 * random.next(),
  }));
  const campaigns: CampaignPlan[] = Array.from({ length: CARDINALITY.campaigns }, (_, index) => {
    const targets = new Set<number>();
    const wanted = 1 + random.int(3);
    while (targets.size < wanted) targets.add(countryChoice.draw(random));
    return {
      index,
      channel: index % CARDINALITY.trafficChannels,
      cpc: (2 + random.int(59)) * 1_000,
      countries: [...targets],
      offers: Array.from({ length: OFFERS_PER_CAMPAIGN }, (_, i) => index * OFFERS_PER_CAMPAIGN + i),
      offerChoice: new WeightedChoice(zipfWeights(OFFERS_PER_CAMPAIGN, 1)),
      landers: Array.from({ length: LANDERS_PER_CAMPAIGN }, (_, i) => index * LANDERS_PER_CAMPAIGN + i),
    };
  });
  return { campaigns, offers, campaignChoice: new WeightedChoice(zipfWeights(CARDINALITY.campaigns, 1.1)) };
}

/** Clicks per hour of [from, to): a daily rhythm in the local zone, quieter weekends, a slow upward trend; exact total. */
export function hourlyClicks(spec: TrafficSpec): number[] {
  const hours = Math.ceil((spec.to - spec.from) / HOUR);
  const local = new Intl.DateTimeFormat('en-US', { timeZone: spec.timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
  const weights = Array.from({ length: hours }, (_, h) => {
    const parts = local.formatToParts(new Date(spec.from + h * HOUR));
    const hour = Number(parts.find((part) => part.type === 'hour')!.value);
    const weekday = parts.find((part) => part.type === 'weekday')!.value;
    const daily = 0.35 + 0.65 * Math.sin((Math.PI * Math.max(0, hour - 5)) / 19) ** 2;
    const weekly = weekday === 'Sat' || weekday === 'Sun' ? 0.8 : 1;
    return daily * weekly * (1 + (0.3 * h) / hours);
  });
  // Largest remainder, so the hours add up to exactly `clicks`.
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const exact = weights.map((weight) => (weight / total) * spec.clicks);
  const counts = exact.map(Math.floor);
  let missing = spec.clicks - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = exact.map((value, h) => [value - counts[h]!, h] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, h] of byRemainder) {
    if (missing-- <= 0) break;
    counts[h]!++;
  }
  return counts;
}

export interface TrafficBatch {
  clicks: Click[];
  /** Conversions of this batch's clicks, in the shape the postback path records them. */
  conversions: NewConversion[];
}

/**
 * Yields the month's clicks in time order, `batchSize` at a time, each with the conversions it will
 * get. Only the batch in hand is in memory.
 */
export function* generateTraffic(spec: TrafficSpec, plan: TrafficPlan, ids: EntityIds, batchSize: number): Generator<TrafficBatch> {
  const random = new SeededRandom(`${spec.seed}/traffic`);
  const countryChoice = new WeightedChoice(zipfWeights(CARDINALITY.countries, 1.3));
  const sub1Choice = new WeightedChoice(zipfWeights(CARDINALITY.sub1, 1));
  const deviceChoice = new WeightedChoice(DEVICES.map((device) => device.weight));
  const placeChoice = new WeightedChoice(zipfWeights(12, 1.2));
  const referrerChoice = new WeightedChoice(zipfWeights(500, 1.1));
  const conversionRate = baseConversionRate(spec, plan);

  let batch: TrafficBatch = { clicks: [], conversions: [] };
  const hourly = hourlyClicks(spec);
  for (let h = 0; h < hourly.length; h++) {
    const start = spec.from + h * HOUR;
    const span = Math.min(HOUR, spec.to - start);
    const times = new Float64Array(hourly[h]!);
    for (let i = 0; i < times.length; i++) times[i] = start + Math.floor(random.next() * span);
    times.sort();
    for (const createdAt of times) {
      const campaign = plan.campaigns[plan.campaignChoice.draw(random)]!;
      const offer = plan.offers[campaign.offers[campaign.offerChoice.draw(random)]!]!;
      const viaLander = random.chance(LANDER_PATH_SHARE);
      const landerClickedAt = viaLander && random.chance(LANDER_CLICK_THROUGH) ? createdAt + 5_000 + random.int(115_000) : null;
      const country = COUNTRIES[random.chance(TARGETED_SHARE) ? random.pick(campaign.countries) : countryChoice.draw(random)]!;
      const place = placeChoice.draw(random) + 1;
      const device = DEVICES[deviceChoice.draw(random)]!;
      // Campaigns on one channel buy from the same placements (zones), each channel its own slice.
      const zone = (sub1Choice.draw(random) + campaign.channel * 4_999) % CARDINALITY.sub1;
      const site = referrerChoice.draw(random);
      const isBot = random.chance(BOT_SHARE);
      const click: Click = {
        clickId: clickIdLowerBound(createdAt) + randomChars(random, 20, BASE32),
        createdAt,
        campaignId: ids.campaigns[campaign.index]!,
        trafficChannelId: ids.trafficChannels[campaign.channel]!,
        ruleIndex: -1,
        pathIndex: viaLander ? 0 : 1,
        landerId: viaLander ? ids.landers[campaign.landers[random.int(campaign.landers.length)]!]! : null,
        offerId: viaLander ? null : ids.offers[offer.index]!,
        outcome: 'routed',
        refId: randomChars(random, 16, '0123456789abcdefghijklmnopqrstuvwxyz'),
        subs: [String(4_000_000 + zone), `cr-${random.int(40)}`, ...EMPTY_SUBS],
        params: {},
        cost: Math.round(campaign.cpc * (0.7 + 0.6 * random.next())),
        ip: `${1 + random.int(223)}.${random.int(256)}.${random.int(256)}.${1 + random.int(254)}`,
        country,
        region: `${country}-${place}`,
        city: `${country} city ${place}-${1 + random.int(8)}`,
        isp: `${country} Telecom ${1 + random.int(5)}`,
        asn: 1_000 + random.int(60_000),
        deviceType: device.deviceType,
        brand: device.brand,
        model: device.model,
        os: device.os,
        osVersion: device.osVersion,
        browser: device.browser,
        browserVersion: device.browserVersion,
        language: random.pick(LANGUAGES),
        connectionType: device.deviceType === 'mobile' && random.chance(0.6) ? 'cellular' : 'broadband',
        referrer: `https://site${site}.example/article/${random.int(10_000)}`,
        referrerDomain: `site${site}.example`,
        userAgent: device.userAgent,
        isBot,
        isUnique: random.chance(UNIQUE_SHARE),
        visitorKey: randomChars(random, 16, '0123456789abcdef'),
        direct: false,
        // Recorded by the lander's call to action; written with the click here, the row ends the same.
        landerClickedAt,
        landerClickOfferId: landerClickedAt === null ? null : ids.offers[offer.index]!,
      };
      batch.clicks.push(click);
      const reachedOffer = !viaLander || landerClickedAt !== null;
      if (reachedOffer && !isBot && random.chance(conversionRate * offer.conversionFactor)) {
        batch.conversions.push(conversionOf(click, offer, ids, random, landerClickedAt ?? createdAt, spec.to + LATEST_CONVERSION_MS));
      }
      if (batch.clicks.length >= batchSize) {
        yield batch;
        batch = { clicks: [], conversions: [] };
      }
    }
  }
  if (batch.clicks.length) yield batch;
}

const EMPTY_SUBS: string[] = Array.from({ length: 18 }, () => '');

function randomChars(random: SeededRandom, length: number, alphabet: string): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[random.int(alphabet.length)]!;
  return text;
}

/**
 * The chance a click that reached an average offer converts, chosen so that the expected number of
 * conversions over the plan's traffic shares is `spec.conversions`.
 */
function baseConversionRate(spec: TrafficSpec, plan: TrafficPlan): number {
  const reach = (1 - LANDER_PATH_SHARE + LANDER_PATH_SHARE * LANDER_CLICK_THROUGH) * (1 - BOT_SHARE);
  let weighted = 0;
  plan.campaigns.forEach((campaign, c) => {
    campaign.offers.forEach((offerIndex, o) => {
      weighted += plan.campaignChoice.share(c) * campaign.offerChoice.share(o) * plan.offers[offerIndex]!.conversionFactor;
    });
  });
  return spec.conversions / (spec.clicks * reach * weighted);
}

/** Conversions arrive until three days after the month: late enough for a long tail, and in the past for any later run. */
const LATEST_CONVERSION_MS = 3 * 24 * HOUR;

function conversionOf(click: Click, offer: OfferPlan, ids: EntityIds, random: SeededRandom, reachedAt: number, latest: number): NewConversion {
  const kind = random.next();
  const type = kind < 0.55 ? null : kind < 0.9 ? 'Lead' : 'Purchase';
  const state = random.next();
  const status: ConversionStatus = state < 0.75 ? 'approved' : state < 0.9 ? 'pending' : 'declined';
  // Purchases pay by basket; the rest pay the offer's fixed payout.
  const payout = type === 'Purchase' ? offer.payout * (1 + random.int(5)) : offer.payout;
  // Most conversions come within minutes; a long tail over the following days.
  const delay = random.chance(0.75) ? random.exponential(15 * 60_000) : random.exponential(36 * HOUR);
  return {
    clickId: click.clickId,
    convertedAt: Math.min(latest, reachedAt + 1_000 + Math.floor(delay)),
    clickAt: click.createdAt,
    type,
    status,
    payout,
    originalPayout: payout,
    originalCurrency: 'USD',
    eventId: null,
    origin: 'postback',
    ...clickDimensionsOf(click),
    offerSourceId: ids.offerSources[offer.offerSource]!,
    offerId: click.landerClickOfferId ?? click.offerId,
    params: {},
    personalData: { hashed: {}, clear: {} },
  };
}
