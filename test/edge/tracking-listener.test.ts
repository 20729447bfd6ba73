import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ClickBuffer } from '../../src/edge/click-buffer.js';
import type { EdgeDeps } from '../../src/edge/edge-plugin.js';
import { createTrackingListener } from '../../src/edge/tracking-listener.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { buildServer } from '../../src/server.js';
import type { EventBatch, EventStore } from '../../src/store/event-store.js';
import { createVia } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let campaigns: Record<'redirect' | 'meta' | 'doubleMeta' | 'noTarget' | 'viaLander', { id: number; key: string }>;

before(async () => {
  server = await startTestServer();
  const channel = await createVia(server, 'traffic-channels', { name: 'Channel', parameters: [{ key: 'ref_id', macro: '{id}' }, { key: 'zone', macro: '{zone}' }] });
  const source = await createVia(server, 'offer-sources', { name: 'Network' });
  const offer = await createVia(server, 'offers', { name: 'Offer', offerSourceId: source.id, url: 'https://offer.example/?cid={clickid}&z={zone}&s={sub1}' });
  const paused = await createVia(server, 'offers', { name: 'Paused', offerSourceId: source.id, url: 'https://paused.example/', status: 'paused' });
  const lander = await createVia(server, 'landers', { name: 'Lander', url: 'https://lander.example/?cid={clickid}', offerCount: 1 });
  const campaign = (redirectMode: string, path: object) =>
    createVia(server, 'campaigns', { name: `C ${Math.random()}`, trafficChannelId: channel.id, redirectMode, costModel: 'cpm', costValue: 2, funnel: { paths: [path] } });
  const direct = { offers: [{ offerId: offer.id }] };
  campaigns = {
    redirect: await campaign('302', direct),
    meta: await campaign('meta', direct),
    doubleMeta: await campaign('double_meta', direct),
    noTarget: await campaign('302', { offers: [{ offerId: paused.id }] }),
    viaLander: await campaign('302', { landers: [{ landerId: lander.id }], offers: [{ offerId: offer.id }] }),
  };
  await server.edge.snapshots.refresh();
});
after(() => server.close());

const VISITOR = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0.0.0', referer: 'https://news.example/a' };

/** Status, headers and body with what differs per request (click ids, dates, signatures) masked. */
function comparable(status: number, headers: Record<string, unknown>, body: string) {
  const masked = (text: string) => text.replace(/[0-9a-z]{29}/g, '<click id>').replace(/t=[\w.-]+/g, 't=<token>');
  const kept = Object.entries(headers)
    .filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name))
    .map(([name, value]) => [name, masked(String(value))])
    .sort();
  return { status, headers: kept, body: masked(body) };
}

/** The same request over HTTP (the tracking listener) and injected into fastify (the edge's routes) gives the same answer. */
async function assertSameAnswer(path: string, headers: Record<string, string> = VISITOR) {
  const viaListener = await fetch(`${server.url}${path}`, { redirect: 'manual', headers });
  const listenerBody = Buffer.from(await viaListener.arrayBuffer()).toString('latin1');
  const viaFastify = await server.app.inject({ method: 'GET', url: path, headers });
  assert.deepEqual(
    comparable(viaListener.status, Object.fromEntries(viaListener.headers), listenerBody),
    comparable(viaFastify.statusCode, viaFastify.headers, viaFastify.rawPayload.toString('latin1')),
    path,
  );
}

async function clickIdOf(path: string): Promise<string> {
  const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
  return /wp_cid=([0-9a-z]{29})/.exec(response.headers.get('set-cookie')!)![1]!;
}

describe('the tracking listener', () => {
  test('answers campaign clicks as fastify’s /c route does, and records each click before answering', async () => {
    await assertSameAnswer(`/c/${campaigns.redirect.key}?ref_id=ZP-1&zone=7&sub1=a+b&sub1=c&bad=%FF`);
    await assertSameAnswer(`/c/${campaigns.meta.key}`);
    await assertSameAnswer(`/c/${campaigns.doubleMeta.key}?ref_id=2`);
    await assertSameAnswer(`/c/${campaigns.noTarget.key}`);
    await assertSameAnswer('/c/doesnotexist');

    const stored = await server.events.findClick(await clickIdOf(`/c/${campaigns.redirect.key}?ref_id=ZP-1&zone=7&sub1=a+b&sub1=c`));
    assert.ok(stored, 'the click is committed before the redirect is sent');
    assert.equal(stored.refId, 'ZP-1');
    assert.deepEqual(stored.params, { zone: '7' });
    assert.equal(stored.subs[0], 'a b', 'the first of repeated values, + as a space');
  });

  test('answers impressions and lander clicks as fastify’s routes do', async () => {
    const before = await server.events.impressionTotals(campaigns.redirect.id);
    await assertSameAnswer(`/imp/${campaigns.redirect.key}?x=1`);
    await assertSameAnswer('/imp/doesnotexist');
    const after = await server.events.impressionTotals(campaigns.redirect.id);
    assert.equal(after.impressions, before.impressions + 2, 'each answered impression is counted (once per server path)');

    const clickId = await clickIdOf(`/c/${campaigns.viaLander.key}`);
    await assertSameAnswer(`/lp/click?clickid=${clickId}`);
    await assertSameAnswer('/lp/click/1', { cookie: `wp_cid=${clickId}` });
    await assertSameAnswer(`/lp/click/9?clickid=${clickId.toUpperCase()}`);
    await assertSameAnswer('/lp/click?clickid=unknown');
    assert.ok((await server.events.findClick(clickId))!.landerClickedAt, 'the lander click is recorded');
  });

  test('answers GET postbacks and pixels as fastify’s routes do, and records each conversion before answering', async () => {
    const clicks = await Promise.all([1, 2, 3, 4].map(() => clickIdOf(`/c/${campaigns.redirect.key}`)));
    await assertSameAnswer(`/postback?clickid=${clicks[0]}&sum=1.5`);
    await assertSameAnswer(`/postback?CID=${clicks[1]}&sum=2&status=nope`);
    await assertSameAnswer('/postback?sum=1');
    await assertSameAnswer('/postback?clickid=unknown');
    await assertSameAnswer('/pixel', { cookie: `wp_cid=${clicks[2]}` });
    await assertSameAnswer(`/pixel?format=js&clickid=${clicks[3]}`);

    const response = await fetch(`${server.url}/postback?clickid=${clicks[0]}&sum=3.25&txid=listener`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(await response.text(), /^accepted: conversion created/);
    const page = await server.api('GET', `/api/v1/conversions?clickId=${clicks[0]}`);
    assert.ok(page.body.items.some((c: { payout: number }) => c.payout === 3.25), 'the conversion is committed before the answer');
  });

  test('takes only GET of the tracking URLs with keys fastify would not decode, and nothing once closing', async () => {
    const listener = createTrackingListener(server.edge.deps, pino({ level: 'silent' }));
    const plain = await listen((request, response) => {
      if (!listener.handle(request, response)) response.writeHead(418).end();
    });
    try {
      const key = campaigns.redirect.key;
      assert.equal(await status(plain, 'GET', `/c/${key}?ref_id=1`), 302);
      assert.equal(await status(plain, 'GET', '/c/doesnotexist'), 404);
      assert.equal(await status(plain, 'GET', `/imp/${key}`), 200);
      assert.equal(await status(plain, 'GET', '/lp/click'), 404);
      assert.equal(await status(plain, 'GET', '/lp/click/2?clickid=x'), 404);
      for (const [method, path] of [
        ['HEAD', `/c/${key}`],
        ['POST', `/c/${key}`],
        ['GET', '/c/'],
        ['GET', `/c/${key}/more`],
        ['GET', '/c/a%20b'],
        ['GET', `/c/${'k'.repeat(201)}`],
        ['GET', '/imp/'],
        ['GET', '/lp/click/'],
        ['GET', '/lp/click/1/2'],
        ['GET', '/lp/clicks'],
        ['POST', '/postback?clickid=x'],
        ['HEAD', '/postback?clickid=x'],
        ['GET', '/postbacks'],
        ['GET', '/postback/x'],
        ['GET', '/r?t=x'],
        ['GET', '/api/v1/campaigns'],
      ] as const) {
        assert.equal(await status(plain, method, path), 418, `${method} ${path}`);
      }
      listener.close();
      assert.equal(await status(plain, 'GET', `/c/${key}`), 418, 'closing: fastify answers');
    } finally {
      plain.close();
    }
  });

  test('a failure shows the visitor the error page, never a stack trace, and is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const broken: EdgeDeps = { ...server.edge.deps, state: { ...server.edge.deps.state, snapshot: () => { throw new Error('snapshot exploded'); } } };
    const listener = createTrackingListener(broken, pino({ level: 'error' }, sink));
    const plain = await listen((request, response) => void listener.handle(request, response));
    try {
      const response = await fetch(`${plainUrl(plain)}/c/${campaigns.redirect.key}?ref_id=1`);
      const body = await response.text();
      assert.equal(response.status, 503);
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.ok(!body.includes('exploded') && !body.includes('    at '), body);
      const logged = lines.map((line) => JSON.parse(line));
      assert.equal(logged.length, 1);
      assert.equal(logged[0].msg, 'edge request failed');
      assert.equal(logged[0].url, `/c/${campaigns.redirect.key}`, 'the path, not the query');
      assert.equal(logged[0].err.message, 'snapshot exploded');
    } finally {
      plain.close();
    }
  });

  test('app.close() lets a click in flight finish: it is committed and answered, and the server stops', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let writing!: () => void;
    const writeStarted = new Promise<void>((resolve) => (writing = resolve));
    const slowStore = {
      write: async (batch: EventBatch) => {
        writing();
        await held;
        await server.events.write(batch);
      },
    } as EventStore;
    const deps = server.edge.deps;
    const app = await buildServer(server.config, {
      store: server.store,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      cipher: server.cipher,
      edge: { ...deps, state: { ...deps.state, buffer: new ClickBuffer(slowStore) } },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    const click = fetch(`${url}/c/${campaigns.redirect.key}?ref_id=in-flight`, { redirect: 'manual' });
    await writeStarted;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'close waits for the click in flight');
    release();
    const response = await click;
    assert.equal(response.status, 302);
    assert.ok(await server.events.findClick(/wp_cid=([0-9a-z]{29})/.exec(response.headers.get('set-cookie')!)![1]!), 'the answered click is committed');
    await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('app.close() did not finish')), 5_000))]);
    await assert.rejects(fetch(`${url}/c/${campaigns.redirect.key}`, { redirect: 'manual' }), 'the server no longer accepts connections');
  });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const plain = createServer(handler);
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  return plain;
}

const plainUrl = (plain: Server) => `http://127.0.0.1:${(plain.address() as { port: number }).port}`;

/** The status of one request on a connection of its own, any method. */
function status(plain: Server, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${plainUrl(plain)}${path}`, { method, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', reject);
    request.end();
  });
}
