import { refreshReportFacts } from '../../reports/refresh-report-facts.js';
import type { EntityStore } from '../../store/entity-store.js';
import type { EventStore } from '../../store/event-store.js';

const DAY = 24 * 3_600_000;

/**
 * Deletes raw clicks older than the retention setting. Report facts are refreshed first, so every
 * conversion has taken its click's dimensions and every hour is rolled up; the event store then
 * keeps each deleted hour's clicks summed by every dimension, and reports over it do not change.
 */
export async function runClickRetention(
  store: EntityStore,
  events: EventStore,
  retentionDays: number,
  now: number = Date.now(),
): Promise<{ deleted: number; before: number }> {
  const before = now - retentionDays * DAY;
  await refreshReportFacts({ store, events });
  return { deleted: await events.deleteClicksBefore(before), before };
}
