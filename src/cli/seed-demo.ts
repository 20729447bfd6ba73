import type { Config } from '../config.js';
import { campaignsResource } from '../api/resources/campaigns.js';
import { landersResource } from '../api/resources/landers.js';
import { offerSourcesResource } from '../api/resources/offer-sources.js';
import { offersResource } from '../api/resources/offers.js';
import { trafficChannelsResource } from '../api/resources/traffic-channels.js';
import { renderClickUrl, type Campaign } from '../domain/campaign.js';
import type { EntityStore } from '../store/entity-store.js';
import type { Resource } from '../api/resource.js';

export const DEMO_CAMPAIGN_NAME = 'Demo: PropellerAds → Cartpanda';

/**
 * A small realistic setup a new user can click through: a traffic channel, an offer source, two
 * offers, a lander and a campaign with one rule. Created through the same schemas and reference
 * checks as the admin API; running it again changes nothing.
 */
export async function seedDemo(store: EntityStore, config: Config): Promise<{ campaign: Campaign; clickUrl: string; created: boolean }> {
  const existing = (await store.campaigns.list({ search: DEMO_CAMPAIGN_NAME, limit: 1, offset: 0 })).items[0];
  if (existing) {
    const channel = await store.trafficChannels.get(existing.trafficChannelId);
    return { campaign: existing, clickUrl: renderClickUrl(config.baseUrl, existing, channel), created: false };
  }

  const create = async <TInput extends { status: string }, TEntity extends { id: number }>(resource: Resource<TInput, TEntity>, body: unknown) => {
    const input = resource.inputSchema.parse(body) as unknown as TInput;
    await resource.checkReferences?.(input, store);
    return resource.create ? resource.create(input, store) : resource.repository(store).create(input);
  };

  const channel = await create(trafficChannelsResource, {
    name: 'PropellerAds (demo)',
    costModel: 'cpc',
    parameters: [
      { key: 'ref_id', macro: '${SUBID}', label: 'click id' },
      { key: 'sub1', macro: '${zoneid}', label: 'zone' },
      { key: 'sub2', macro: '${campaignid}', label: 'campaign' },
      { key: 'cost', macro: '${cost}', label: 'cost' },
    ],
    postbackUrl: 'http://ad.propellerads.com/conversion.php?aid=REPLACE&pid=&tid=REPLACE&visitor_id={ref_id}&payout={payout}',
  });
  const source = await create(offerSourcesResource, {
    name: 'Cartpanda (demo)',
    postbackMacros: { clickid: '{cid}', sum: '{total_price}' },
    additionalParameters: [
      { param: 'fname', macro: '{first_name}', role: 'first_name' },
      { param: 'lname', macro: '{last_name}', role: 'last_name' },
      { param: 'phone', macro: '{phone_number}', role: 'phone' },
      { param: 'email', macro: '{email}', role: 'email' },
      { param: 'contentid', macro: '{product_id}', role: 'content_ids' },
      { param: 'product', macro: '{product_name}', role: 'product_name' },
    ],
    defaultStatus: 'approved',
  });
  const offerA = await create(offersResource, {
    name: 'Smartwatch store (demo)',
    offerSourceId: source.id,
    url: 'https://example.com/smartwatch?cid={clickid}&country={country}',
    payoutType: 'fixed',
    payout: '24.50',
  });
  const offerB = await create(offersResource, {
    name: 'Earbuds store (demo)',
    offerSourceId: source.id,
    url: 'https://example.org/earbuds?cid={clickid}&zone={sub1}',
    payoutType: 'auto',
  });
  const lander = await create(landersResource, { name: 'Gadget review lander (demo)', url: 'https://example.net/review?cid={clickid}', offerCount: 2 });
  const campaign = (await create(campaignsResource, {
    name: DEMO_CAMPAIGN_NAME,
    trafficChannelId: channel.id,
    costModel: 'cpc',
    costValue: '0.02',
    funnel: {
      rules: [
        {
          name: 'Mobile visitors from the US and Canada see the lander',
          conditions: [
            { field: 'country', op: 'in', values: ['US', 'CA'] },
            { field: 'device_type', op: 'in', values: ['mobile', 'tablet'] },
          ],
          paths: [{ weight: 100, landers: [{ landerId: lander.id, weight: 100 }], offers: [{ offerId: offerA.id, weight: 50 }, { offerId: offerB.id, weight: 50 }] }],
        },
      ],
      paths: [{ weight: 100, offers: [{ offerId: offerA.id, weight: 70 }, { offerId: offerB.id, weight: 30 }] }],
    },
    fallbackUrl: 'https://example.com/',
  })) as Campaign;
  return { campaign, clickUrl: renderClickUrl(config.baseUrl, campaign, channel), created: true };
}
