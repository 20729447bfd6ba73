import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIp, normalizeIp } from './client-ip.js';
import { createIpList } from './ip-list.js';

const proxies = createIpList(['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'], 'trustedProxies');
const none = createIpList([], 'trustedProxies');

test('without trusted proxies the connecting address is the client, whatever X-Forwarded-For says', () => {
  assert.equal(clientIp('198.51.100.20', '1.2.3.4', none), '198.51.100.20');
});

test('a spoofed X-Forwarded-For from an untrusted address is ignored', () => {
  assert.equal(clientIp('198.51.100.20', '8.8.8.8, 10.0.0.1', proxies), '198.51.100.20');
});

test('X-Forwarded-For from a trusted proxy gives the first untrusted hop from the right', () => {
  // The client forged "6.6.6.6"; our load balancer (10.0.0.1) appended the real address.
  assert.equal(clientIp('10.0.0.2', '6.6.6.6, 81.2.69.142, 10.0.0.1', proxies), '81.2.69.142');
  assert.equal(clientIp('127.0.0.1', '81.2.69.142', proxies), '81.2.69.142');
});

test('IPv6 proxies and clients, with the IPv4-mapped form normalised', () => {
  assert.equal(clientIp('2001:db8::5', '2001:4860:4860::8888', proxies), '2001:4860:4860::8888');
  assert.equal(clientIp('::ffff:10.1.1.1', '::FFFF:8.8.8.8', proxies), '8.8.8.8');
  assert.equal(clientIp('::ffff:198.51.100.20', undefined, proxies), '198.51.100.20');
});

test('a header repeated by several proxies is read as one list', () => {
  assert.equal(clientIp('10.0.0.2', ['81.2.69.142', '10.0.0.1'], proxies), '81.2.69.142');
});

test('when every hop is trusted the leftmost one is the client', () => {
  assert.equal(clientIp('10.0.0.2', '10.9.9.9, 10.0.0.1', proxies), '10.9.9.9');
});

test('a malformed hop stops the walk at the last trusted address', () => {
  assert.equal(clientIp('10.0.0.2', '8.8.8.8, unknown, 10.0.0.1', proxies), '10.0.0.1');
  assert.equal(clientIp('10.0.0.2', '', proxies), '10.0.0.2');
});

test('hops with ports or brackets are accepted', () => {
  assert.equal(clientIp('10.0.0.2', '81.2.69.142:51234', proxies), '81.2.69.142');
  assert.equal(clientIp('10.0.0.2', '[2001:4860:4860::8888]:443', proxies), '2001:4860:4860::8888');
});

test('no remote address gives an empty IP', () => {
  assert.equal(clientIp(undefined, '8.8.8.8', proxies), '');
});

test('normalizeIp', () => {
  assert.equal(normalizeIp(' 8.8.8.8 '), '8.8.8.8');
  assert.equal(normalizeIp('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeIp('2001:DB8::1'), '2001:db8::1');
  assert.equal(normalizeIp('[::1]'), '::1');
  assert.equal(normalizeIp('bogus'), '');
  assert.equal(normalizeIp('1.2.3.999'), '');
});
