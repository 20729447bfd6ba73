import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/** Counters of the hot path: it counts instead of logging a line per click. `spoolBacklogBytes` is read at each scrape. */
export function createEdgeMetrics(registry: Registry, spoolBacklogBytes: () => number) {
  new Gauge({
    name: 'waypost_edge_spool_backlog_bytes',
    help: 'Acknowledged clicks and impressions waiting in the local spool to be stored (grows while the event database is busy or refuses writes)',
    registers: [registry],
    collect() {
      this.set(spoolBacklogBytes());
    },
  });
  return {
    clicks: new Counter({ name: 'waypost_edge_clicks_total', help: 'Campaign visits recorded, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    landerClicks: new Counter({ name: 'waypost_edge_lander_clicks_total', help: 'Lander click-throughs, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    impressions: new Counter({ name: 'waypost_edge_impressions_total', help: 'Impressions counted', registers: [registry] }),
    postbacks: new Counter({ name: 'waypost_postbacks_total', help: 'Postbacks and pixels received, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    unrecorded: new Counter({ name: 'waypost_edge_unrecorded_total', help: 'Visits answered although the event store refused to record them', registers: [registry] }),
  };
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;
