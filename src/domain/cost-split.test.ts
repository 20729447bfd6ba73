import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCost } from './cost-split.js';

test('a cost split over clicks adds up to the total exactly, remainders spread one micro-unit each', () => {
  assert.deepEqual(splitCost(10, 3), [4, 3, 3]);
  assert.deepEqual(splitCost(12_340_000, 7).reduce((a, b) => a + b, 0), 12_340_000);
  const parts = splitCost(1_000_000, 3);
  assert.deepEqual(parts, [333_334, 333_333, 333_333]);
  assert.deepEqual(splitCost(2, 5), [1, 1, 0, 0, 0]);
  assert.deepEqual(splitCost(0, 2), [0, 0]);
  assert.deepEqual(splitCost(5, 0), []);
});
