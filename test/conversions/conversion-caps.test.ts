import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OfferCaps } from '../../src/edge/offer-caps.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { postback } from './conversion-setup.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('an offer whose daily conversion cap is reached is skipped, and the count survives a restart', async () => {
  const channel = await createVia(server, 'traffic-channels', { name: 'Channel' });
  const source = await createVia(server, 'offer-sources', { name: 'Source' });
  const capped = await createVia(server, 'offers', { name: 'Capped', offerSourceId: source.id, url: 'https://capped.example/?cid={clickid}', caps: { unit: 'conversions', daily: 1, timeZone: 'Europe/Berlin' } });
  const campaign = await createVia(server, 'campaigns', { name: 'Caps', trafficChannelId: channel.id, fallbackUrl: 'https://fallback.example/', funnel: { paths: [{ offers: [{ offerId: capped.id }] }] } });
  await server.edge.snapshots.refresh();
  const visit = async () => new URL((await fetch(`${server.url}/c/${campaign.key}`, { redirect: 'manual' })).headers.get('location')!);

  const first = await visit();
  assert.equal(first.host, 'capped.example');
  assert.equal((await visit()).host, 'capped.example', 'clicks do not count against a conversion cap');
  assert.equal((await postback(server, `clickid=${first.searchParams.get('cid')}`)).text, 'accepted: conversion created\n');
  assert.equal((await visit()).host, 'fallback.example', 'the cap is reached after one conversion today');

  // What a restarted edge restores from the conversions table.
  const restored = new OfferCaps();
  restored.restoreConversions(await server.store.conversions.offerConversionsHourly());
  const offer = server.edge.snapshots.current.offers.get(capped.id)!.offer;
  assert.equal(restored.isCapped(offer, Date.now()), true);
  assert.equal(new OfferCaps().isCapped(offer, Date.now()), false);
});
