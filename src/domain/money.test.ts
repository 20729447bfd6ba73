import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMoney, parseMoney } from './money.js';

test('decimal strings and numbers become exact micro-units', () => {
  assert.equal(parseMoney('0.1'), 100_000);
  assert.equal(parseMoney(0.1), 100_000);
  assert.equal(parseMoney('19.999999'), 19_999_999);
  assert.equal(parseMoney(' 3 '), 3_000_000);
  assert.equal(parseMoney('-2.5'), -2_500_000);
  // 0.1 + 0.2 in floating point is 0.30000000000000004; in micros it is exact.
  assert.equal(parseMoney('0.1')! + parseMoney('0.2')!, parseMoney('0.3'));
});

test('amounts that cannot be held exactly are refused', () => {
  assert.equal(parseMoney('1.1234567'), undefined);
  assert.equal(parseMoney('1e3'), undefined);
  assert.equal(parseMoney('abc'), undefined);
  assert.equal(parseMoney(Number.NaN), undefined);
  assert.equal(parseMoney(''), undefined);
});

test('micro-units format back to decimal amounts', () => {
  assert.equal(formatMoney(1_250_000), 1.25);
  assert.equal(formatMoney(0), 0);
});
