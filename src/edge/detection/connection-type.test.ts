import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionType } from './connection-type.js';

test('a phone or tablet on a carrier-named network is mobile', () => {
  assert.equal(connectionType('mobile', 'T-Mobile USA, Inc.'), 'mobile');
  assert.equal(connectionType('tablet', 'Vodafone GmbH'), 'mobile');
  assert.equal(connectionType('mobile', 'Reliance Jio Infocomm Limited'), 'mobile');
  assert.equal(connectionType('mobile', 'TIM S.p.A.'), 'mobile');
});

test('a desktop on a carrier, or a phone on cable, is broadband', () => {
  assert.equal(connectionType('desktop', 'Vodafone GmbH'), 'broadband');
  assert.equal(connectionType('mobile', 'Comcast Cable Communications, LLC'), 'broadband');
  assert.equal(connectionType('mobile', 'Optimum Online'), 'broadband');
});

test('no ISP is unknown', () => {
  assert.equal(connectionType('mobile', ''), 'unknown');
});

test('national carriers beyond the obvious keywords count too', () => {
  assert.equal(connectionType('mobile', 'Deutsche Telekom AG'), 'mobile');
  assert.equal(connectionType('mobile', 'Telefonica Germany GmbH & Co.OHG'), 'mobile');
  assert.equal(connectionType('mobile', 'MTN Nigeria'), 'mobile');
});
