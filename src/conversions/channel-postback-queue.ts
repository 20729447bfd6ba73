import { createHash } from 'node:crypto';
import type { Campaign } from '../domain/campaign.js';
import { decideChannelPostback, type ChannelPostbackDecision, type ChannelPostbackInput } from '../domain/channel-postback.js';
import type { ConversionType } from '../domain/conversion-type.js';
import type { Conversion } from '../domain/conversion.js';
import type { TrafficChannel } from '../domain/traffic-channel.js';
import type { EntityStore, NewOutboxEntry, OutboxEntry } from '../store/entity-store.js';

/**
 * After a conversion is created or edited: decide whether the traffic channel hears about it and put
 * the postback in the outbox for the worker to send. A postback that cannot be sent as configured
 * (REPLACE left, a value missing, no channel click id) is stored as `blocked` with its reason, so it
 * shows in the outgoing-postbacks list instead of vanishing. The same URL for the same conversion is
 * queued once: an edit that changes nothing the channel sees sends nothing new.
 */
export async function queueChannelPostback(
  store: EntityStore,
  input: { conversion: Conversion; campaign: Campaign; channel: TrafficChannel | undefined; conversionType: ConversionType | undefined; accountCurrency: string },
): Promise<{ outcome: 'queued' | 'blocked' | 'not_sent'; reason: string }> {
  const decision = decideChannelPostback(input);
  if (decision.outcome === 'not_sent') return { outcome: 'not_sent', reason: decision.reason };

  const blocked = decision.outcome === 'blocked';
  const { entry, created } = await store.outbox.enqueue(outboxEntry(input, decision, Date.now()));
  if (!created) {
    if (entry.state === 'blocked') return { outcome: 'blocked', reason: `${entry.lastError ?? decision.outcome} (outgoing postback ${entry.id})` };
    return { outcome: 'not_sent', reason: `already ${describeState(entry)} for this conversion with the same values (outgoing postback ${entry.id})` };
  }
  return blocked ? { outcome: 'blocked', reason: decision.reason } : { outcome: 'queued', reason: `queued as outgoing postback ${entry.id}` };
}

/**
 * The outbox row of a conversion's channel postback, or undefined when the channel is not to hear
 * about it; pure, so a postback's transaction can add the row to its own writes.
 */
export function channelPostbackEntry(input: ChannelPostbackInput, now: number): NewOutboxEntry | undefined {
  const decision = decideChannelPostback(input);
  return decision.outcome === 'not_sent' ? undefined : outboxEntry(input, decision, now);
}

function outboxEntry(input: ChannelPostbackInput, decision: Exclude<ChannelPostbackDecision, { outcome: 'not_sent' }>, now: number): NewOutboxEntry {
  const { conversion } = input;
  const blocked = decision.outcome === 'blocked';
  return {
    kind: 'channel_postback',
    conversionId: conversion.id,
    campaignId: conversion.campaignId,
    trafficChannelId: input.channel?.id ?? conversion.trafficChannelId,
    url: decision.url,
    state: blocked ? 'blocked' : 'pending',
    lastError: blocked ? decision.reason : null,
    dedupeKey: channelPostbackDedupeKey(conversion.id, decision),
    now,
  };
}

/**
 * A blocked postback rendered again from its conversion with the campaign and channel as they are
 * now (after the user filled in the missing values): the new URL to send, or why it is still blocked.
 */
export async function rerenderBlockedChannelPostback(
  store: EntityStore,
  entry: OutboxEntry,
  accountCurrency: string,
): Promise<{ ok: true; url: string; dedupeKey: string } | { ok: false; reason: string }> {
  const conversion = entry.conversionId === null ? undefined : await store.conversions.get(entry.conversionId);
  if (!conversion) return { ok: false, reason: `conversion ${entry.conversionId} no longer exists` };
  const campaign = await store.campaigns.get(conversion.campaignId);
  if (!campaign) return { ok: false, reason: `campaign ${conversion.campaignId} no longer exists` };
  const channel = await store.trafficChannels.get(campaign.trafficChannelId);
  const conversionType = conversion.type === null ? undefined : (await store.conversionTypes.all()).find((type) => type.name === conversion.type);
  const decision = decideChannelPostback({ conversion, campaign, channel, conversionType, accountCurrency });
  if (decision.outcome === 'not_sent') return { ok: false, reason: decision.reason };
  if (decision.outcome === 'blocked') return { ok: false, reason: decision.reason };
  return { ok: true, url: decision.url, dedupeKey: channelPostbackDedupeKey(conversion.id, decision) };
}

function channelPostbackDedupeKey(conversionId: number, decision: Exclude<ChannelPostbackDecision, { outcome: 'not_sent' }>): string {
  const what = decision.outcome === 'blocked' ? `blocked\u0000${decision.url}\u0000${decision.reason}` : `send\u0000${decision.url}`;
  return createHash('sha256').update(`channel_postback\u0000${conversionId}\u0000${what}`).digest('base64url');
}

function describeState(entry: OutboxEntry): string {
  switch (entry.state) {
    case 'pending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'failed':
      return 'failed (retry it from the outgoing postbacks list)';
    case 'blocked':
      return 'blocked';
  }
  return entry.state;
}
