import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { createOutboundUrlGuard } from '../../src/security/outbound-url-guard.js';
import { sendDueOutbox } from '../../src/worker/jobs/send-outbox.js';
import { startFakeTrafficChannel, type FakeTrafficChannel } from '../fakes/fake-traffic-channel.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { postback } from './conversion-setup.js';

let server: TestServer;
let fake: FakeTrafficChannel;
before(async () => {
  server = await startTestServer();
  fake = await startFakeTrafficChannel();
});
after(async () => {
  await fake.close();
  await server.close();
});

test('a postback from the network reaches the traffic channel with its click id, payout and status, and so does a later approval', async () => {
  const channel = await createVia(server, 'traffic-channels', {
    name: 'Zeropark',
    parameters: [{ key: 'ref_id', macro: '{cid}' }],
    postbackUrl: `${fake.url}/postback?cid={ref_id}&payout={payout}&status={status}&goal={goal}`,
    postbackStatuses: ['pending', 'approved'],
  });
  const source = await createVia(server, 'offer-sources', { name: 'Network', defaultStatus: 'pending', duplicateMode: 'ignore' });
  const offer = await createVia(server, 'offers', { name: 'O', offerSourceId: source.id, url: 'https://o.example/?s={clickid}' });
  const campaign = await createVia(server, 'campaigns', {
    name: 'E2E',
    trafficChannelId: channel.id,
    postbackValues: { goal: 'purchase' },
    funnel: { paths: [{ offers: [{ offerId: offer.id }] }] },
  });
  await server.edge.snapshots.refresh();
  const visit = await fetch(`${server.url}/c/${campaign.key}?ref_id=zp-777`, { redirect: 'manual' });
  const clickId = new URL(visit.headers.get('location')!).searchParams.get('s')!;

  const send = () =>
    sendDueOutbox({
      store: server.store,
      guard: createOutboundUrlGuard({ allowHosts: ['127.0.0.1'] }),
      logger: createLogger({ logLevel: 'silent' }),
      now: () => Date.now(),
    });

  assert.equal((await postback(server, `clickid=${clickId}&sum=7.5`)).text, 'accepted: conversion created\n');
  await send();
  assert.equal(fake.hits.length, 1);
  assert.deepEqual(fake.hits[0]!.query, { cid: 'zp-777', payout: '7.5', status: 'pending', goal: 'purchase' });

  assert.equal((await postback(server, `clickid=${clickId}&status=approved`)).text, 'accepted: status changed from pending to approved\n');
  await send();
  assert.equal(fake.hits.length, 2);
  assert.equal(fake.hits[1]!.query.status, 'approved');
});
