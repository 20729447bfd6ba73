import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildJourneyReport, median, type JourneyEvent } from './journey.js';

const S = 1000;
let id = 0;
const event = (clickId: string, type: string, secondsAfterClick: number, clickAt = 1_000_000): JourneyEvent => ({ clickId, clickAt, type, at: clickAt + secondsAfterClick * S, id: ++id });

test('the journey report counts clicks per type, orders of types, and median seconds between steps', () => {
  const report = buildJourneyReport([
    event('a', 'Lead', 10),
    event('a', 'Purchase', 70),
    event('a', 'Lead', 80), // a repeat counts at the first occurrence only
    event('b', 'Lead', 30),
    event('b', 'Purchase', 50),
    event('c', 'Purchase', 5),
    event('d', 'Lead', 20),
  ]);
  assert.equal(report.clicks, 4);
  assert.deepEqual(report.types, [
    { type: 'Lead', clicks: 3 },
    { type: 'Purchase', clicks: 3 },
  ]);
  assert.deepEqual(report.paths, [
    { steps: ['Lead', 'Purchase'], clicks: 2 },
    { steps: ['Lead'], clicks: 1 },
    { steps: ['Purchase'], clicks: 1 },
  ]);
  assert.deepEqual(report.transitions, [
    { from: null, to: 'Lead', clicks: 3, medianSeconds: 20 },
    { from: 'Lead', to: 'Purchase', clicks: 2, medianSeconds: 40 },
    { from: null, to: 'Purchase', clicks: 1, medianSeconds: 5 },
  ]);
});

test('events arriving out of order are put in time order', () => {
  const report = buildJourneyReport([event('a', 'Purchase', 60), event('a', 'Lead', 10)]);
  assert.deepEqual(report.paths, [{ steps: ['Lead', 'Purchase'], clicks: 1 }]);
});

test('median of an even count is the mean of the middle two', () => {
  assert.equal(median([4, 1, 3, 2]), 3); // (2 + 3) / 2 rounded
  assert.equal(median([5]), 5);
  assert.equal(median([]), 0);
});
