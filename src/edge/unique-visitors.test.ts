import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UniqueVisitors } from './unique-visitors.js';

const HOUR = 3_600_000;

test('a visitor is unique again only once the window has passed since the last visit', () => {
  const uniques = new UniqueVisitors();
  assert.equal(uniques.visit(1, 'v', 0, 24 * HOUR), true);
  assert.equal(uniques.visit(1, 'v', 23 * HOUR, 24 * HOUR), false);
  assert.equal(uniques.visit(1, 'v', 46 * HOUR, 24 * HOUR), false, 'the window counts from the last visit');
  assert.equal(uniques.visit(1, 'v', 70 * HOUR, 24 * HOUR), true);
  assert.equal(uniques.visit(2, 'v', 70 * HOUR, 24 * HOUR), true, 'per campaign');
});

test('the sweep forgets old visitors a slice at a time, resuming where it stopped, and keeps recent ones', () => {
  const uniques = new UniqueVisitors();
  for (let i = 0; i < 25; i++) uniques.visit(1, `old-${i}`, 1_000, HOUR);
  for (let i = 0; i < 5; i++) uniques.visit(1, `new-${i}`, 10 * HOUR, HOUR);
  assert.equal(uniques.size, 30);

  assert.equal(uniques.sweepSome(5 * HOUR, 10), false, 'a slice of 10 does not finish a pass of 30');
  assert.equal(uniques.size, 20, 'the first ten, all old, are gone');
  // Visitors added during a pass are reached by it too.
  uniques.visit(1, 'late-old', 2_000, HOUR);
  assert.equal(uniques.sweepSome(5 * HOUR, 10), false);
  assert.equal(uniques.size, 11);
  assert.equal(uniques.sweepSome(5 * HOUR, 10), false, 'the last ten of the first thirty');
  assert.equal(uniques.size, 6, 'the recent five and the late one, not yet reached');
  assert.equal(uniques.sweepSome(5 * HOUR, 10), true, 'the pass reaches the late visitor and ends');
  assert.equal(uniques.size, 5, 'only the recent visitors are left');
  assert.equal(uniques.visit(1, 'new-3', 10.5 * HOUR, HOUR), false, 'a recent visitor is still known');
  assert.equal(uniques.visit(1, 'old-3', 10.5 * HOUR, HOUR), true);

  // The next call starts a new pass from the beginning.
  assert.equal(uniques.sweepSome(20 * HOUR, 100), true);
  assert.equal(uniques.size, 0);
});
