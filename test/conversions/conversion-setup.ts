import { createVia } from '../support/fixtures.js';
import type { TestServer } from '../support/test-server.js';

/** A channel, an offer source, an offer and a campaign; `click()` makes a real click and returns its id. */
export async function conversionSetup(server: TestServer, sourceBody: object = {}, offerBody: object = {}) {
  const channel = await createVia(server, 'traffic-channels', { name: `Channel ${Math.random()}`, parameters: [{ key: 'ref_id', macro: '{clickid}' }] });
  const source = await createVia(server, 'offer-sources', { name: `Source ${Math.random()}`, ...sourceBody });
  const offer = await createVia(server, 'offers', { name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}', payoutType: 'fixed', payout: '10', ...offerBody });
  const campaign = await createVia(server, 'campaigns', { name: `Campaign ${Math.random()}`, trafficChannelId: channel.id, funnel: { paths: [{ offers: [{ offerId: offer.id }] }] } });
  await server.edge.snapshots.refresh();
  const click = async (query = 'ref_id=chan-1&sub1=zone7') => {
    const response = await fetch(`${server.url}/c/${campaign.key}?${query}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36' } });
    return { clickId: new URL(response.headers.get('location')!).searchParams.get('cid')!, cookie: response.headers.get('set-cookie')!.split(';')[0]! };
  };
  return { channel, source, offer, campaign, click };
}

export async function postback(server: TestServer, query: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}/postback?${query}`, init);
  return { status: response.status, text: await response.text() };
}

export async function refreshConfiguration(server: TestServer) {
  await server.edge.snapshots.refresh();
}
