import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDirectory } from './cleanup.js';
import { childServer, spawnNode, waitForHttpOk, type ChildServer } from './child-server.js';
// The built CLI as `npm start` runs it (`npm run bench` builds first), and the tests' port finder.
import { CLI, freePort } from '../../test/support/run-cli.js';

export interface WaypostServer extends ChildServer {
  dataDir: string;
  /** A JSON request to the admin API with the admin key; throws on an unexpected status. */
  api<T = any>(method: string, path: string, body?: unknown, expected?: number): Promise<T>;
}

export interface WaypostOptions {
  /** Extra WAYPOST_* variables. */
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** The node flags `npm start` gives Waypost (package.json), so the bench measures the process users run. */
const START_NODE_FLAGS = (() => {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const flags = /^node((?:\s+--\S+)*)\s+dist\/main\.js\b/.exec(scripts.start);
  if (!flags) throw new Error(`package.json's start script is not "node [--flags] dist/main.js ...": ${scripts.start}`);
  return flags[1]!.trim().split(/\s+/).filter(Boolean);
})();

/**
 * `node dist/main.js start` in embedded mode (edge, api and worker in one process) on a fresh data
 * directory and a free loopback port; resolves once `/readyz` answers.
 */
export async function startWaypost(options: WaypostOptions = {}): Promise<WaypostServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waypost-bench-'));
  trackDirectory(dataDir);
  const port = await freePort();
  const adminKey = `bench-${randomBytes(24).toString('hex')}`;
  const spawned = spawnNode('waypost', [...START_NODE_FLAGS, ...(options.nodeArgs ?? []), CLI, 'start'], {
    WAYPOST_DATA_DIR: dataDir,
    WAYPOST_PORT: String(port),
    WAYPOST_HOST: '127.0.0.1',
    WAYPOST_LOG_LEVEL: 'warn',
    WAYPOST_ADMIN_KEY: adminKey,
    WAYPOST_ROLES: 'edge,api,worker',
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk('waypost', spawned, `${url}/readyz`, 30_000);
  return {
    ...childServer('waypost', spawned, url),
    dataDir,
    async api(method, path, body, expected) {
      const response = await fetch(`${url}/api/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      const want = expected ?? (method === 'POST' ? 201 : 200);
      if (response.status !== want) throw new Error(`${method} /api/v1/${path} answered ${response.status} (expected ${want}): ${text}`);
      return (text ? JSON.parse(text) : undefined) as any;
    },
  };
}
