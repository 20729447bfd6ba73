import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore } from '../../../src/store/sqlite/sqlite-event-store.js';
import { runPostbackLogConformance } from './run-postback-log-cases.js';
import { runReportConformance, type OpenEventStore } from './run-report-cases.js';

const openSqlite: OpenEventStore = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'waypost-conformance-'));
  const events = createSqliteEventStore(join(dir, 'events.db'));
  await events.migrate();
  return {
    events,
    async close() {
      await events.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

runReportConformance('SQLite', openSqlite);
runPostbackLogConformance('SQLite', openSqlite);
