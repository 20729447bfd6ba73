import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OfferCaps } from '../../src/edge/offer-caps.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { postback } from './conversion-setup.js';

// A fixed clock (a Wednesday, midday in UTC), so daily caps cannot roll over while a test runs.
const NOW = Date.parse('2026-06-10T12:00:00Z');
let server: TestServer;
before(async () => {
  server = await startTestServer({ now: () => NOW, detector: 'null' });
});
after(() => server.close());

/**
 * An offer under test in a campaign whose fallback URL takes the visitor when the offer is skipped;
 * `visit()` answers where a click went and its click id.
 */
async function offerSetup(offerBody: object, sourceBody: object = {}) {
  const channel = await createVia(server, 'traffic-channels', { name: `Channel ${Math.random()}` });
  const source = await createVia(server, 'offer-sources', { name: `Source ${Math.random()}`, ...sourceBody });
  const offer = await createVia(server, 'offers', { name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}', payoutType: 'fixed', payout: '10', ...offerBody });
  const campaign = await createVia(server, 'campaigns', {
    name: `Campaign ${Math.random()}`,
    trafficChannelId: channel.id,
    fallbackUrl: 'https://fallback.example/',
    funnel: { paths: [{ offers: [{ offerId: offer.id }] }] },
  });
  await server.edge.snapshots.refresh();
  const visit = async () => {
    const location = new URL((await fetch(`${server.url}/c/${campaign.key}`, { redirect: 'manual' })).headers.get('location')!);
    return { host: location.host, clickId: location.searchParams.get('cid') ?? '' };
  };
  const setStatus = async (status: 'active' | 'paused') => {
    const response = await server.api('PATCH', `/api/v1/offers/${offer.id}`, { status });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    await server.edge.snapshots.refresh();
  };
  return { offer, visit, setStatus };
}

const conversionsOf = (clickId: string) => server.store.conversions.listByClick(clickId);
const lastLog = async (clickId: string) => (await server.api('GET', `/api/v1/postbacks?clickId=${clickId}&limit=1`)).body.items[0];

describe('cap type', () => {
  test('approved: a pending conversion does not count until it is approved; a declined one never counts', async () => {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 1, type: 'approved' } }, { duplicateMode: 'ignore' });
    const first = await s.visit();
    const second = await s.visit();
    await postback(server, `clickid=${second.clickId}&status=declined`);
    assert.equal((await s.visit()).host, 'offer.example', 'a declined conversion does not count');
    assert.equal((await postback(server, `clickid=${first.clickId}&status=pending`)).text, 'accepted: conversion created\n');
    assert.equal((await s.visit()).host, 'offer.example', 'a pending conversion does not count towards an approved cap');
    assert.equal((await postback(server, `clickid=${first.clickId}&status=approved`)).text, 'accepted: status changed from pending to approved\n');
    assert.equal((await s.visit()).host, 'fallback.example', 'the approval reaches the cap');
  });

  test('gross: every conversion counts, whatever its status', async () => {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 1, type: 'gross' } });
    const first = await s.visit();
    await postback(server, `clickid=${first.clickId}&status=pending`);
    assert.equal((await s.visit()).host, 'fallback.example');
  });

  test('an approval through the admin API counts towards an approved cap', async () => {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 1, type: 'approved' } });
    const { clickId } = await s.visit();
    await postback(server, `clickid=${clickId}&status=pending`);
    assert.equal((await s.visit()).host, 'offer.example');
    const [conversion] = await conversionsOf(clickId);
    const patched = await server.api('PATCH', `/api/v1/conversions/${conversion!.id}`, { status: 'approved' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal((await s.visit()).host, 'fallback.example');
  });

  test('a restarted edge restores approved counts and payouts from the conversions table', async () => {
    const s = await offerSetup({
      caps: { unit: 'conversions', daily: 5, type: 'approved', additional: [{ metric: 'revenue', period: 'monthly', limit: 20_000_000 }] },
    });
    for (const status of ['approved', 'approved', 'pending']) await postback(server, `clickid=${(await s.visit()).clickId}&status=${status}`);
    const offer = server.edge.snapshots.current.offers.get(s.offer.id)!.offer;
    const restored = new OfferCaps();
    restored.restoreConversions(await server.store.conversions.offerConversionsHourly());
    assert.deepEqual(restored.reachedCap(offer, NOW), { metric: 'revenue', period: 'monthly', limit: 20_000_000, counted: 20_000_000, type: 'approved' });
    assert.equal(new OfferCaps().isCapped(offer, NOW), false);
  });
});

describe('additional caps', () => {
  test('a weekly click cap skips the offer once reached', async () => {
    const s = await offerSetup({ caps: { additional: [{ metric: 'clicks', period: 'weekly', limit: 2 }] } });
    assert.equal((await s.visit()).host, 'offer.example');
    assert.equal((await s.visit()).host, 'offer.example');
    assert.equal((await s.visit()).host, 'fallback.example');
  });

  test('a daily revenue cap counts the conversions’ payout', async () => {
    const s = await offerSetup({ caps: { additional: [{ metric: 'revenue', period: 'daily', limit: 15_000_000 }] } });
    await postback(server, `clickid=${(await s.visit()).clickId}`);
    assert.equal((await s.visit()).host, 'offer.example', '10 of 15 earned');
    await postback(server, `clickid=${(await s.visit()).clickId}&sum=6`);
    assert.equal((await s.visit()).host, 'fallback.example', '16 of 15 earned');
  });

  test('a duplicate under mode edit moves the caps at once: the edited payout counts instead of the old one', async () => {
    const s = await offerSetup({ payoutType: 'auto', caps: { additional: [{ metric: 'revenue', period: 'daily', limit: 15_000_000 }] } }, { duplicateMode: 'edit' });
    const { clickId } = await s.visit();
    assert.equal((await postback(server, `clickid=${clickId}&sum=4`)).text, 'accepted: conversion created\n');
    assert.equal((await s.visit()).host, 'offer.example', '4 of 15 earned');
    assert.equal((await postback(server, `clickid=${clickId}&sum=16`)).text, 'accepted: duplicate applied to the original conversion (mode edit)\n');
    assert.deepEqual((await conversionsOf(clickId)).map((c) => c.payout), [16_000_000], 'one conversion, edited');
    assert.equal((await s.visit()).host, 'fallback.example', '16 of 15 earned, not 4 + 16 nor 4');
  });

  test('a monthly conversion cap in the caps’ time zone', async () => {
    const s = await offerSetup({ caps: { timeZone: 'Asia/Tokyo', additional: [{ metric: 'conversions', period: 'monthly', limit: 1 }] } });
    await postback(server, `clickid=${(await s.visit()).clickId}`);
    assert.equal((await s.visit()).host, 'fallback.example');
  });

  test('an additional cap with an unknown metric or period is refused, naming the field', async () => {
    const source = await createVia(server, 'offer-sources', { name: `Source ${Math.random()}` });
    const body = (cap: object) => ({ name: 'Bad cap', offerSourceId: source.id, url: 'https://offer.example/', caps: { additional: [cap] } });
    const period = await server.api('POST', '/api/v1/offers', body({ metric: 'clicks', period: 'hourly', limit: 5 }));
    assert.equal(period.status, 400);
    assert.equal(period.body.error.field, 'caps.additional[0].period');
    const limit = await server.api('POST', '/api/v1/offers', body({ metric: 'sales', period: 'daily', limit: 5 }));
    assert.equal(limit.status, 400);
    assert.equal(limit.body.error.field, 'caps.additional[0].metric');
  });
});

describe('over-delivery', () => {
  test('stay_active: the offer keeps receiving traffic past its cap', async () => {
    const s = await offerSetup({ caps: { unit: 'clicks', daily: 1, overDelivery: 'stay_active' }, spillover: 'always' });
    assert.equal((await s.visit()).host, 'offer.example');
    assert.equal((await s.visit()).host, 'offer.example');
    assert.equal((await s.visit()).host, 'offer.example');
  });
});

describe('spillover', () => {
  /** An offer capped at one conversion a day, with two clicks made before the cap was reached. */
  async function pastTheCap(offerBody: object) {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 1 }, ...offerBody });
    const within = await s.visit();
    const excess = await s.visit();
    assert.equal((await postback(server, `clickid=${within.clickId}`)).text, 'accepted: conversion created\n');
    return { ...s, within, excess };
  }

  test('no: the excess conversion is recorded as declined, with the reason in the postback log', async () => {
    const s = await pastTheCap({ spillover: 'no' });
    const answer = await postback(server, `clickid=${s.excess.clickId}&status=approved`);
    assert.equal(answer.text, 'accepted: conversion created as declined: past the daily conversions cap of 1 (spillover no)\n');
    assert.deepEqual((await conversionsOf(s.excess.clickId)).map((c) => c.status), ['declined']);
    const log = await lastLog(s.excess.clickId);
    assert.equal(log.outcome, 'accepted');
    assert.match(log.reason, /declined: past the daily conversions cap of 1/);
    assert.deepEqual((await conversionsOf(s.within.clickId)).map((c) => c.status), ['approved'], 'the conversion within the cap is untouched');
  });

  test('yes: kept while the offer is paused by its cap', async () => {
    const s = await pastTheCap({ spillover: 'yes' });
    const answer = await postback(server, `clickid=${s.excess.clickId}`);
    assert.equal(answer.text, 'accepted: conversion created, past the daily conversions cap of 1, kept: the offer is paused by its cap (spillover yes)\n');
    assert.deepEqual((await conversionsOf(s.excess.clickId)).map((c) => c.status), ['approved']);
  });

  test('yes: declined when the offer is paused by hand', async () => {
    const s = await pastTheCap({ spillover: 'yes' });
    await s.setStatus('paused');
    const answer = await postback(server, `clickid=${s.excess.clickId}`);
    assert.match(answer.text, /^accepted: conversion created as declined: past the daily conversions cap of 1 and the offer is paused, not paused by its cap/);
    assert.deepEqual((await conversionsOf(s.excess.clickId)).map((c) => c.status), ['declined']);
  });

  test('yes: declined when the offer stays active past its caps', async () => {
    const s = await pastTheCap({ spillover: 'yes', caps: { unit: 'conversions', daily: 1, overDelivery: 'stay_active' } });
    const answer = await postback(server, `clickid=${s.excess.clickId}`);
    assert.match(answer.text, /declined: past the daily conversions cap of 1 and the offer is kept active past its caps/);
  });

  test('always: kept even when the offer is paused by hand', async () => {
    const s = await pastTheCap({ spillover: 'always' });
    await s.setStatus('paused');
    const answer = await postback(server, `clickid=${s.excess.clickId}&status=pending`);
    assert.equal(answer.text, 'accepted: conversion created, past the daily conversions cap of 1, kept (spillover always)\n');
    assert.deepEqual((await conversionsOf(s.excess.clickId)).map((c) => c.status), ['pending'], 'kept with the status the postback gives');
  });

  test('within the caps a paused offer’s conversions are recorded as usual, whatever the spillover', async () => {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 5 }, spillover: 'no' });
    const { clickId } = await s.visit();
    await s.setStatus('paused');
    assert.equal((await postback(server, `clickid=${clickId}`)).text, 'accepted: conversion created\n');
  });

  test('no, approved cap: an approval past the cap declines the conversion instead', async () => {
    const s = await offerSetup({ caps: { unit: 'conversions', daily: 1, type: 'approved' }, spillover: 'no' }, { duplicateMode: 'ignore' });
    const first = await s.visit();
    const second = await s.visit();
    await postback(server, `clickid=${first.clickId}&status=pending`);
    await postback(server, `clickid=${second.clickId}&status=pending`);
    assert.equal((await postback(server, `clickid=${first.clickId}&status=approved`)).text, 'accepted: status changed from pending to approved\n');
    const late = await postback(server, `clickid=${second.clickId}&status=approved`);
    assert.equal(late.text, 'accepted: status changed from pending to declined; declined: past the daily conversions cap of 1 (approved conversions) (spillover no)\n');
    assert.deepEqual((await conversionsOf(second.clickId)).map((c) => c.status), ['declined']);
  });
});

describe('multiple conversions with the same click id', () => {
  test('on: every conversion of one click is recorded, whatever the source’s duplicate mode', async () => {
    const s = await offerSetup({ multipleConversionsPerClick: true }, { duplicateMode: 'ignore' });
    const { clickId } = await s.visit();
    for (const sum of [1, 2, 3]) assert.equal((await postback(server, `clickid=${clickId}&sum=${sum}`)).text, 'accepted: conversion created\n');
    assert.deepEqual((await conversionsOf(clickId)).map((c) => c.payout), [1e6, 2e6, 3e6]);
  });

  test('on: a conversion type’s mode does not apply either', async () => {
    const typeName = `Sale-${Math.random().toString(36).slice(2, 8)}`;
    await createVia(server, 'conversion-types', { name: typeName, duplicateMode: 'ignore_by_event_id' });
    const s = await offerSetup({ multipleConversionsPerClick: true });
    const { clickId } = await s.visit();
    for (let i = 0; i < 2; i++) await postback(server, `clickid=${clickId}&type=${typeName}&event_id=same`);
    assert.equal((await conversionsOf(clickId)).length, 2);
  });

  test('off: the source’s duplicate mode applies', async () => {
    const s = await offerSetup({ multipleConversionsPerClick: false }, { duplicateMode: 'ignore' });
    const { clickId } = await s.visit();
    await postback(server, `clickid=${clickId}&sum=1`);
    assert.equal((await postback(server, `clickid=${clickId}&sum=2`)).text, 'duplicate: duplicate ignored (mode ignore)\n');
    assert.deepEqual((await conversionsOf(clickId)).map((c) => c.payout), [1e6]);
  });
});
