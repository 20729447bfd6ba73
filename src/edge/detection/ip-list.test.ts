import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpList } from './ip-list.js';

test('matches single addresses and CIDR ranges of both families', () => {
  const list = createIpList(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::1'], 'test');
  assert.equal(list.size, 4);
  assert.equal(list.has('203.0.113.7'), true);
  assert.equal(list.has('203.0.113.8'), false);
  assert.equal(list.has('10.200.1.1'), true);
  assert.equal(list.has('11.0.0.1'), false);
  assert.equal(list.has('2001:db8:abcd::1'), true);
  assert.equal(list.has('2001:db9::1'), false);
  assert.equal(list.has('::1'), true);
});

test('an IPv4 range also matches the IPv4-mapped IPv6 form', () => {
  const list = createIpList(['192.0.2.0/24'], 'test');
  assert.equal(list.has('::ffff:192.0.2.10'), true);
});

test('garbage input never matches', () => {
  const list = createIpList(['10.0.0.0/8'], 'test');
  assert.equal(list.has(''), false);
  assert.equal(list.has('not-an-ip'), false);
});

test('an invalid entry fails with the setting name and the entry', () => {
  assert.throws(() => createIpList(['10.0.0.0/33'], 'trustedProxies'), /trustedProxies: "10.0.0.0\/33"/);
  assert.throws(() => createIpList(['example.com'], 'botIps'), /botIps: "example.com" is not an IP/);
  assert.throws(() => createIpList(['10.0.0.0/x'], 'botIps'), /invalid prefix/);
});

test('an empty list matches nothing', () => {
  const list = createIpList([' ', ''], 'test');
  assert.equal(list.size, 0);
  assert.equal(list.has('127.0.0.1'), false);
});
