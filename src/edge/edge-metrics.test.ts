import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createEdgeMetrics } from './edge-metrics.js';

test('the spool backlog gauge reads the backlog at each scrape', async () => {
  const registry = new Registry();
  let backlog = 0;
  createEdgeMetrics(registry, () => backlog);
  assert.match(await registry.metrics(), /^waypost_edge_spool_backlog_bytes 0$/m);
  backlog = 4096;
  assert.match(await registry.metrics(), /^waypost_edge_spool_backlog_bytes 4096$/m);
});
