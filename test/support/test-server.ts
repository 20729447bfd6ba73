import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/api/api-keys.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { buildServer } from '../../src/server.js';
import type { EntityStore } from '../../src/store/entity-store.js';
import type { EventStore } from '../../src/store/event-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { startEdgeRuntime } from '../../src/edge/edge-runtime.js';
import { createNullVisitorDetector, createVisitorDetector, type VisitorDetector } from '../../src/edge/detection/visitor-detector.js';
import { createSqliteEntityStore } from '../../src/store/sqlite/sqlite-entity-store.js';
import { createCredentialCipher, type CredentialCipher } from '../../src/security/credential-cipher.js';
import { loadOrCreateSecretKey } from '../../src/security/secret-key.js';

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Deterministic routing in tests that need it; Math.random otherwise. */
  random?: () => number;
  now?: () => number;
  /** The real detector reads the packaged geo databases (about half a second); the null one detects nothing. */
  detector?: 'real' | 'null';
  /** How report facts get conversions: straight from the entity file (as `waypost start`), or through the ports. */
  conversionFactCopy?: 'bulk' | 'ports';
}

let sharedDetector: VisitorDetector | undefined;

export interface TestServer {
  app: FastifyInstance;
  url: string;
  config: Config;
  store: EntityStore;
  events: EventStore;
  edge: Awaited<ReturnType<typeof startEdgeRuntime>>;
  cipher: CredentialCipher;
  adminKey: string;
  dataDir: string;
  /** A JSON request with the admin key (or the given headers instead). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The real server on a real SQLite file in a fresh directory, listening on loopback. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waypost-test-'));
  const config = loadConfig({ WAYPOST_DATA_DIR: dataDir, WAYPOST_LOG_LEVEL: 'silent', WAYPOST_PORT: '0', WAYPOST_BASE_URL: 'http://track.test', ...options.env });
  const logger = createLogger(config);
  const metrics = createMetrics();
  const store = createSqliteEntityStore(join(dataDir, 'waypost.db'));
  await store.migrate();
  const events = createSqliteEventStore(join(dataDir, 'events.db'), options.conversionFactCopy === 'ports' ? {} : { entityFile: join(dataDir, 'waypost.db') });
  await events.migrate();
  const { secret: adminKey } = await createApiKey(store, 'test admin', 'admin');
  const detector =
    options.detector === 'null'
      ? createNullVisitorDetector()
      : config.edge.botIps.length || config.edge.botUserAgents.length || config.edge.trustedProxies.length
        ? createVisitorDetector({ trustedProxies: config.edge.trustedProxies, botIps: config.edge.botIps, botUserAgents: config.edge.botUserAgents })
        : (sharedDetector ??= createVisitorDetector());
  const edge = await startEdgeRuntime({
    entities: store,
    events,
    detector,
    logger,
    registry: metrics.registry,
    secretKey: Buffer.alloc(32, 7),
    secureCookies: false,
    trustedProxies: config.edge.trustedProxies,
    accountCurrency: config.accountCurrency,
    snapshotPollMs: 100,
    random: options.random,
    now: options.now,
  });
  // As start-up: the configured key, or one generated in the data directory.
  const cipher = createCredentialCipher(loadOrCreateSecretKey(dataDir, config.secretKey).key);
  const app = await buildServer(config, { store, logger, metrics, cipher, edge: edge.deps });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind');
  const url = `http://127.0.0.1:${address.port}`;

  return {
    app,
    url,
    config,
    store,
    events,
    edge,
    cipher,
    adminKey,
    dataDir,
    async api(method, path, body, headers) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: headers ?? { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await app.close();
      await edge.stop();
      await events.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
