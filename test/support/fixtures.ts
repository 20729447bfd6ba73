import assert from 'node:assert/strict';
import type { TestServer } from './test-server.js';

/** Creates entities through the admin API, failing the test with the server's answer if refused. */
export async function createVia(server: TestServer, path: string, body: unknown): Promise<any> {
  const response = await server.api('POST', `/api/v1/${path}`, body);
  assert.equal(response.status, 201, `POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export const channelBody = {
  name: 'PropellerAds',
  parameters: [
    { key: 'ref_id', macro: '${SUBID}' },
    { key: 'sub1', macro: '${zoneid}' },
    { key: 'cost', macro: '${cost}' },
  ],
  costModel: 'cpc',
};

export async function createFunnelEntities(server: TestServer) {
  const channel = await createVia(server, 'traffic-channels', channelBody);
  const source = await createVia(server, 'offer-sources', { name: 'Cartpanda', postbackMacros: { clickid: '{cid}', sum: '{total_price}' } });
  const offerA = await createVia(server, 'offers', { name: 'Offer A', offerSourceId: source.id, url: 'https://a.example/?cid={clickid}', payoutType: 'fixed', payout: 12.5 });
  const offerB = await createVia(server, 'offers', { name: 'Offer B', offerSourceId: source.id, url: 'https://b.example/?cid={clickid}' });
  const lander = await createVia(server, 'landers', { name: 'Lander', url: 'https://lp.example/?cid={clickid}', offerCount: 2 });
  return { channel, source, offerA, offerB, lander };
}

export function campaignBody(ids: { channelId: number; offerIds: number[]; landerId?: number }) {
  return {
    name: 'Campaign',
    trafficChannelId: ids.channelId,
    costModel: 'cpc',
    costValue: 0.05,
    redirectMode: '302',
    funnel: {
      rules: [
        {
          name: 'US mobile',
          conditions: [{ field: 'country', op: 'in', values: ['US'] }],
          paths: [{ weight: 100, landers: ids.landerId ? [{ landerId: ids.landerId, weight: 100 }] : [], offers: ids.offerIds.map((offerId) => ({ offerId, weight: 50 })) }],
        },
      ],
      paths: [{ weight: 100, landers: [], offers: ids.offerIds.map((offerId) => ({ offerId, weight: 50 })) }],
    },
  };
}
