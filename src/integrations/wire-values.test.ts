import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFlag, readInteger, readMoney } from './wire-values.js';

describe('partner wire values', () => {
  it('reads money sent as strings with any number of decimals, or as numbers, into micro-units', () => {
    assert.equal(readMoney('2.00000'), 2_000_000);
    assert.equal(readMoney('0.12'), 120_000);
    assert.equal(readMoney('10'), 10_000_000);
    assert.equal(readMoney(1.5), 1_500_000);
    assert.equal(readMoney('0.12345678'), 123_457, 'more than six decimals are rounded');
    assert.equal(readMoney(''), null);
    assert.equal(readMoney(null), null);
    assert.equal(readMoney('n/a'), null);
  });

  it('reads flags and integers sent as strings', () => {
    assert.equal(readFlag('1'), true);
    assert.equal(readFlag('0'), false);
    assert.equal(readFlag(null), null);
    assert.equal(readFlag(true), true, 'JSON booleans too (Everflow)');
    assert.equal(readInteger('25'), 25);
    assert.equal(readInteger('25.00'), 25);
    assert.equal(readInteger('2.5'), null);
  });
});
