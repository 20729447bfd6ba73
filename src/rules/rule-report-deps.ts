import { refreshReportFacts } from '../reports/refresh-report-facts.js';
import type { ReportDeps } from '../reports/run-report.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';

/**
 * The report service as rules read it: fresh facts, no display names (a rule's rows are keyed by
 * campaign id and placement value; the log names campaigns when it is read).
 */
export function ruleReportDeps(store: EntityStore, events: EventStore): ReportDeps {
  return {
    facts: events,
    refresh: () => refreshReportFacts({ store, events }),
    names: async () => () => null,
    store,
  };
}
