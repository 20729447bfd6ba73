import { refreshReportFacts } from '../../reports/refresh-report-facts.js';
import type { EntityStore } from '../../store/entity-store.js';
import type { EventStore } from '../../store/event-store.js';

/**
 * Keeps report facts close to the writes between reports: conversions copied, rollups summed in the
 * background, so the refresh a report runs first has little left to do.
 */
export async function runReportFactsRefresh(store: EntityStore, events: EventStore): Promise<void> {
  await refreshReportFacts({ store, events });
}
