import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuleDue, withinSchedule } from './rule-schedule.js';

const at = (text: string) => Date.parse(text);
const rule = { status: 'active' as const, schedule: null, timeZone: 'UTC', frequencyMinutes: 5 };

describe('rule schedule and frequency', () => {
  test('the schedule is read in the rule zone, daylight saving time included', () => {
    // New York weekdays 09:00-10:59. 2026-03-09 is a Monday, the first weekday of daylight saving time (UTC-4).
    const ny = { timeZone: 'America/New_York', schedule: { days: [1, 2, 3, 4, 5], hours: [9, 10] } };
    assert.equal(withinSchedule(ny, at('2026-03-09T13:00:00Z')), true, '09:00 EDT');
    assert.equal(withinSchedule(ny, at('2026-03-09T14:59:59Z')), true, '10:59 EDT');
    assert.equal(withinSchedule(ny, at('2026-03-09T15:00:00Z')), false, '11:00 EDT');
    assert.equal(withinSchedule(ny, at('2026-03-06T13:00:00Z')), false, 'Friday 08:00 EST, still winter time');
    assert.equal(withinSchedule(ny, at('2026-03-06T14:00:00Z')), true, 'Friday 09:00 EST');
    assert.equal(withinSchedule(ny, at('2026-03-08T13:00:00Z')), false, 'Sunday 09:00 EDT');
    assert.equal(withinSchedule({ timeZone: 'UTC', schedule: null }, at('2026-03-08T03:00:00Z')), true, 'no schedule: always');
  });

  test('a rule is due every frequencyMinutes whole minutes, never when paused or outside its schedule', () => {
    const last = at('2026-03-09T12:00:00.900Z');
    assert.equal(isRuleDue(rule, null, last), true, 'never evaluated');
    assert.equal(isRuleDue(rule, last, at('2026-03-09T12:04:59.999Z')), false);
    // A tick a few milliseconds earlier in its minute than last time is still the 5th minute.
    assert.equal(isRuleDue(rule, last, at('2026-03-09T12:05:00.010Z')), true);
    assert.equal(isRuleDue({ ...rule, status: 'paused' }, null, last), false);
    assert.equal(isRuleDue({ ...rule, schedule: { days: [2], hours: [12] } }, null, last), false, 'Monday is not Tuesday');
  });
});
