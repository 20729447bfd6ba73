import assert from 'node:assert/strict';
import { createVia } from '../support/fixtures.js';
import type { TestServer } from '../support/test-server.js';

export const FALLBACK_URL = 'https://fallback.example/';

/**
 * A traffic channel passing its zone in sub1 and the click's cost, an offer paid by the postback's
 * sum, and `campaigns` CPC campaigns with a fallback URL. `click` makes a real click through the click
 * URL; `convert` sends the network's postback for it.
 */
export async function ruleFixture(server: TestServer, options: { campaigns?: number; channel?: object; campaign?: object; zoneParam?: string } = {}) {
  const zoneParam = options.zoneParam ?? 'sub1';
  const channel = await createVia(server, 'traffic-channels', {
    name: `Channel ${Math.random()}`,
    costModel: 'cpc',
    parameters: [
      { key: 'ref_id', macro: '{click_id}' },
      { key: 'sub1', macro: '{zone}' },
      { key: 'cost', macro: '{cost}' },
    ],
    ...options.channel,
  });
  const source = await createVia(server, 'offer-sources', { name: `Network ${Math.random()}`, defaultStatus: 'approved' });
  const offer = await createVia(server, 'offers', { name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}' });
  const campaigns: any[] = [];
  for (let i = 0; i < (options.campaigns ?? 1); i++) {
    campaigns.push(
      await createVia(server, 'campaigns', {
        name: `Campaign ${i + 1}`,
        trafficChannelId: channel.id,
        costModel: 'cpc',
        costValue: 0,
        fallbackUrl: FALLBACK_URL,
        funnel: { paths: [{ offers: [{ offerId: offer.id }] }] },
        ...options.campaign,
      }),
    );
  }
  await server.edge.snapshots.refresh();

  /** One click from `zone` costing `cost`; where it was sent and its click id (null when it went to the fallback). */
  const click = async (campaign: { key: string }, zone: string, cost: string) => {
    const response = await fetch(`${server.url}/c/${campaign.key}?ref_id=t-${Math.random().toString(36).slice(2)}&${zoneParam}=${encodeURIComponent(zone)}&cost=${cost}`, {
      redirect: 'manual',
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36' },
    });
    assert.equal(response.status, 302);
    const location = response.headers.get('location')!;
    return { location, clickId: location.startsWith('https://offer.example/') ? new URL(location).searchParams.get('cid') : null };
  };

  /** `count` clicks from `zone` at `cost` each; the click ids. */
  const clicks = async (campaign: { key: string }, zone: string, count: number, cost: string) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await click(campaign, zone, cost)).clickId!);
    return ids;
  };

  const convert = async (clickId: string, payout: string) => {
    const response = await fetch(`${server.url}/postback?clickid=${clickId}&sum=${payout}`);
    const text = await response.text();
    assert.match(text, /^accepted/, text);
  };

  return { channel, source, offer, campaigns, campaign: campaigns[0], click, clicks, convert };
}

/** A rule body with the fixture's channel; fields given replace the defaults. */
export function ruleBody(channelId: number, fields: Record<string, unknown> = {}) {
  return {
    name: `Rule ${Math.random()}`,
    scope: { trafficChannelId: channelId, objectLevel: 'placement', placementDimension: 'sub1' },
    conditions: [
      { metric: 'cost', op: '>', value: 20 },
      { metric: 'conversions', op: '=', value: 0 },
    ],
    window: { amount: 24, unit: 'hours' },
    action: { type: 'block_placement' },
    frequencyMinutes: 15,
    ...fields,
  };
}
