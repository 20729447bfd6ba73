import { normalizeClickId } from '../domain/click-id.js';
import type { Campaign } from '../domain/campaign.js';
import { clickDimensionsOf, type Conversion, type NewConversion } from '../domain/conversion.js';
import type { ConversionType } from '../domain/conversion-type.js';
import type { Integration, IntegrationRunCounts } from '../domain/integration.js';
import type { TrafficChannel } from '../domain/traffic-channel.js';
import { channelPostbackEntry } from '../conversions/channel-postback-queue.js';
import type { CurrencyConverter } from '../conversions/currency-rates.js';
import type { EntityStore, PulledConversionRecord, PulledConversionState, PulledConversionWrite } from '../store/entity-store.js';
import type { ConversionClick, EventStore } from '../store/event-store.js';
import type { ClickIdCandidate } from './connector.js';

/** A conversion as the partner sent it in this pull (or, for a retry, as it was stored). */
export type PulledItem = Omit<PulledConversionState, 'clickId' | 'conversionId' | 'unmatchedReason'> & { seenAt: number };

export interface MatchDeps {
  store: EntityStore;
  events: Pick<EventStore, 'findClickForConversion'>;
  currency: CurrencyConverter;
}

/**
 * Turns pulled conversions into what the store writes, page by page (seed 004): a conversion seen
 * before follows the partner's status and payout; a new one is matched to its click by the click id
 * candidates in order (`Stat.ad_id`, then the message-id field), then linked to the conversion a
 * postback already made for that click and offer source, or created as a conversion of its own; one
 * that matches no click is kept with the reason, to be tried again by later pulls.
 */
export function createPulledConversionMatcher(deps: MatchDeps, integration: Integration & { offerSourceId: number }, clickIdFields: readonly string[] | undefined) {
  const campaigns = new Map<number, { campaign: Campaign; channel: TrafficChannel | undefined } | null>();
  let conversionTypes: Map<string, ConversionType> | undefined;
  const offerCurrencies = new Map<number, string | undefined>();
  let sourceCurrency: string | undefined;

  return {
    /** The page's writes, in the order the partner sent them; `counts.skips` gets each unmatched one with its reason. */
    async plan(items: PulledItem[], counts: IntegrationRunCounts): Promise<PulledConversionWrite[]> {
      const latest = new Map<string, PulledItem>();
      for (const item of items) {
        if (latest.has(item.externalId)) counts.skips.push({ externalId: item.externalId, reason: 'sent twice in one page; the last one counts' });
        latest.set(item.externalId, item);
      }
      const stored = await deps.store.pulledConversions.byExternalIds(integration.id, [...latest.keys()]);
      // Conversions this page links, so two pulled conversions of one click never take the same one.
      const linkedHere = new Set<number>();
      const writes: PulledConversionWrite[] = [];
      for (const item of latest.values()) {
        const prior = stored.get(item.externalId);
        const write = prior?.conversionId != null ? await followPartner(item, prior) : await match(item, linkedHere);
        if (write.record.unmatchedReason !== null) counts.skips.push({ externalId: item.externalId, reason: `kept unmatched: ${write.record.unmatchedReason}` });
        writes.push(write);
      }
      return writes;
    },
  };

  /** Seen and linked before: the linked conversion takes a status or payout the partner changed since. */
  async function followPartner(item: PulledItem, prior: PulledConversionRecord): Promise<PulledConversionWrite> {
    const record: PulledConversionState = { ...state(item), clickId: prior.clickId, conversionId: prior.conversionId, unmatchedReason: null };
    const statusChanged = item.status !== prior.status;
    const payoutChanged = item.payout !== prior.payout || item.currency !== prior.currency;
    if (!statusChanged && !payoutChanged) return { record, seenAt: item.seenAt };
    const changes: NonNullable<PulledConversionWrite['update']>['changes'] = {};
    if (statusChanged) changes.status = item.status;
    if (payoutChanged) {
      const payout = await toAccount(item, undefined);
      if ('payout' in payout) Object.assign(changes, payout);
      // Without a rate the old payout stays, and so does the stored one: the next pull tries again.
      else Object.assign(record, { payout: prior.payout, currency: prior.currency });
    }
    if (Object.keys(changes).length === 0) return { record, seenAt: item.seenAt };
    const update = { conversionId: prior.conversionId!, changes };
    return { record, update, seenAt: item.seenAt, channelPostback: await channelPostbackFor(prior.conversionId!) };
  }

  async function match(item: PulledItem, linkedHere: Set<number>): Promise<PulledConversionWrite> {
    const unmatched = (reason: string): PulledConversionWrite => ({ record: { ...state(item), clickId: null, conversionId: null, unmatchedReason: reason }, seenAt: item.seenAt });
    const found = await findClick(item.clickIdCandidates);
    if ('reason' in found) return unmatched(found.reason);
    const { clickId, click, source } = found;
    const offerId = click.landerClickOfferId ?? click.offerId;
    const payout = await toAccount(item, offerId);
    if ('reason' in payout) return unmatched(payout.reason);
    const record: PulledConversionState = { ...state(item), clickId, conversionId: null, unmatchedReason: null };

    // A postback made it first: the pull is the same conversion, and the partner's word on it wins.
    const twin = await unlinkedConversionOf(clickId, linkedHere);
    if (twin) {
      linkedHere.add(twin.id);
      const linked = { ...record, conversionId: twin.id };
      const changes: NonNullable<PulledConversionWrite['update']>['changes'] = {};
      if (twin.status !== item.status) changes.status = item.status;
      if (twin.payout !== payout.payout || twin.originalPayout !== payout.originalPayout || twin.originalCurrency !== payout.originalCurrency) Object.assign(changes, payout);
      if (Object.keys(changes).length === 0) return { record: linked, seenAt: item.seenAt };
      return { record: linked, update: { conversionId: twin.id, changes }, seenAt: item.seenAt, channelPostback: channelPostbackOf(await campaignOf(twin.campaignId)) };
    }

    const conversion: NewConversion = {
      clickId,
      convertedAt: item.convertedAt,
      clickAt: click.createdAt,
      type: null,
      status: item.status,
      ...payout,
      eventId: item.transactionId ?? item.externalId,
      origin: 'pull',
      ...clickDimensionsOf(click),
      offerSourceId: integration.offerSourceId,
      offerId,
      params: pulledParams(item, source),
      personalData: { hashed: {}, clear: {} },
    };
    return {
      record,
      create: { conversion, dedupeKey: pulledConversionDedupeKey(integration.id, item.externalId) },
      seenAt: item.seenAt,
      channelPostback: channelPostbackOf(await campaignOf(click.campaignId)),
    };
  }

  /** The first candidate that is a known click (seed 004's passes, in the connector's order), or why none is. */
  async function findClick(candidates: readonly ClickIdCandidate[]): Promise<{ clickId: string; click: ConversionClick; source: string } | { reason: string }> {
    if (candidates.length === 0) {
      return { reason: clickIdFields?.length ? `no click id in ${clickIdFields.join(' or ')}` : 'no click id in the conversion' };
    }
    const misses: string[] = [];
    for (const candidate of candidates) {
      const clickId = normalizeClickId(candidate.value);
      if (!clickId) {
        misses.push(`${candidate.source} ${JSON.stringify(candidate.value.slice(0, 64))} is not a Waypost click id`);
        continue;
      }
      const click = await deps.events.findClickForConversion(clickId);
      if (click) return { clickId, click, source: candidate.source };
      misses.push(`click id ${clickId} (${candidate.source}) unknown`);
    }
    return { reason: misses.join('; ') };
  }

  /** The payout in the account currency, or why it cannot be converted. */
  async function toAccount(item: PulledItem, offerId: number | null | undefined): Promise<{ payout: number; originalPayout: number; originalCurrency: string } | { reason: string }> {
    const currency = (item.currency ?? (offerId == null ? undefined : await offerCurrency(offerId)) ?? (await offerSourceCurrency())).toUpperCase();
    const payout = await deps.currency.toAccount(item.payout, currency);
    if (payout === undefined) return { reason: `no exchange rate stored for ${currency}; add it under currency rates` };
    return { payout, originalPayout: item.payout, originalCurrency: currency };
  }

  async function offerCurrency(offerId: number): Promise<string | undefined> {
    if (!offerCurrencies.has(offerId)) offerCurrencies.set(offerId, (await deps.store.offers.get(offerId))?.currency);
    return offerCurrencies.get(offerId);
  }

  async function offerSourceCurrency(): Promise<string> {
    sourceCurrency ??= (await deps.store.offerSources.get(integration.offerSourceId))?.currency ?? deps.currency.accountCurrency;
    return sourceCurrency;
  }

  /** A conversion of the click from this integration's offer source that no pulled conversion is linked to yet. */
  async function unlinkedConversionOf(clickId: string, linkedHere: Set<number>): Promise<Conversion | undefined> {
    const candidates = (await deps.store.conversions.listByClick(clickId)).filter((conversion) => conversion.offerSourceId === integration.offerSourceId && !linkedHere.has(conversion.id));
    if (candidates.length === 0) return undefined;
    const linked = await deps.store.pulledConversions.linkedConversionIds(candidates.map((conversion) => conversion.id));
    return candidates.find((conversion) => !linked.has(conversion.id));
  }

  async function channelPostbackFor(conversionId: number): Promise<PulledConversionWrite['channelPostback']> {
    const conversion = await deps.store.conversions.get(conversionId);
    return conversion ? channelPostbackOf(await campaignOf(conversion.campaignId)) : undefined;
  }

  async function campaignOf(campaignId: number) {
    if (!campaigns.has(campaignId)) {
      const campaign = await deps.store.campaigns.get(campaignId);
      campaigns.set(campaignId, campaign ? { campaign, channel: await deps.store.trafficChannels.get(campaign.trafficChannelId) } : null);
    }
    conversionTypes ??= new Map((await deps.store.conversionTypes.all()).map((type) => [type.name, type]));
    return campaigns.get(campaignId) ?? undefined;
  }

  /** The channel postback of a conversion as written, the way a postback's or an edit's is queued. */
  function channelPostbackOf(target: { campaign: Campaign; channel: TrafficChannel | undefined } | undefined): PulledConversionWrite['channelPostback'] {
    if (!target) return undefined;
    const types = conversionTypes;
    return (conversion) =>
      channelPostbackEntry(
        { conversion, campaign: target.campaign, channel: target.channel, conversionType: conversion.type === null ? undefined : types?.get(conversion.type), accountCurrency: deps.currency.accountCurrency },
        Date.now(),
      );
  }

  function pulledParams(item: PulledItem, clickIdSource: string): Record<string, string> {
    const params: Record<string, string> = { integration_id: String(integration.id), external_id: item.externalId, click_id_source: clickIdSource };
    if (item.transactionId) params.transaction_id = item.transactionId;
    if (item.partnerStatus) params.partner_status = item.partnerStatus;
    if (item.offerExternalId) params.partner_offer_id = item.offerExternalId;
    return params;
  }
}

/**
 * The dedupe key of a conversion a pull creates: one per partner conversion, so a pull repeated after a
 * crash links the conversion it made instead of making another, and a later postback can find it.
 */
export function pulledConversionDedupeKey(integrationId: number, externalId: string): string {
  // A click id never reads "pull", so no postback's key (click id first) can take it.
  return `pull\u0000${integrationId}\u0000${externalId}`;
}

function state(item: PulledItem): Omit<PulledConversionState, 'clickId' | 'conversionId' | 'unmatchedReason'> {
  const { seenAt: _seenAt, ...rest } = item;
  return rest;
}
