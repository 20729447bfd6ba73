import { apiKeysBanner } from './admin-key-banner.js';
import { ensureAdminKey } from '../api/api-keys.js';
import { createMetrics } from '../observability/metrics.js';
import { createCredentialCipher } from '../security/credential-cipher.js';
import { loadOrCreateSecretKey } from '../security/secret-key.js';
import { buildServer } from '../server.js';
import { startWorker } from '../worker/start-worker.js';
import { openEventStore, openRuntime } from './open-runtime.js';
import { startEdgeRuntime } from '../edge/edge-runtime.js';
import { createVisitorDetector } from '../edge/detection/visitor-detector.js';
import { seedDemo } from './seed-demo.js';
import { lowerBackgroundThreadPriority } from './background-thread-priority.js';

/** `waypost start [--demo]`: every configured role in this process, until SIGINT or SIGTERM. */
export async function start(env: Record<string, string | undefined>, options: { demo: boolean }): Promise<void> {
  // Before Waypost starts threads of its own: only node's are lowered.
  lowerBackgroundThreadPriority();
  const { config, logger, store, applied } = await openRuntime(env);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const secret = loadOrCreateSecretKey(config.dataDir, config.secretKey);
  if (secret.created) logger.warn({ dataDir: config.dataDir }, 'generated a new secret key in the data directory; back it up with the database');

  const { generatedSecret } = await ensureAdminKey(store, config.adminKey);
  if (generatedSecret) process.stdout.write(apiKeysBanner(generatedSecret));

  const metrics = createMetrics();
  // The worker keeps the event store's rollups and retention, so a worker-only process opens it too.
  const events = config.roles.includes('edge') || config.roles.includes('worker') ? await openEventStore(config) : undefined;
  const edge = events && config.roles.includes('edge')
    ? await startEdgeRuntime({
        entities: store,
        events,
        detector: createVisitorDetector({
          cityDbPath: config.edge.geoCityDb,
          asnDbPath: config.edge.geoAsnDb,
          trustedProxies: config.edge.trustedProxies,
          botUserAgents: config.edge.botUserAgents,
          botIps: config.edge.botIps,
        }),
        logger,
        registry: metrics.registry,
        secretKey: secret.key,
        secureCookies: config.baseUrl.startsWith('https:'),
        trustedProxies: config.edge.trustedProxies,
        accountCurrency: config.accountCurrency,
      })
    : undefined;
  const cipher = createCredentialCipher(secret.key);
  const app = await buildServer(config, { store, logger, metrics, cipher, edge: edge?.deps });
  const worker = config.roles.includes('worker') ? startWorker({ store, logger, personalDataRetentionDays: config.personalDataRetentionDays, events, clickRetentionDays: config.clickRetentionDays, config, cipher, offerCaps: edge?.deps.state.caps }) : undefined;
  await app.listen({ port: config.port, host: config.host });
  logger.info({ roles: config.roles, baseUrl: config.baseUrl }, 'Waypost is running');

  if (options.demo) {
    const demo = await seedDemo(store, config);
    process.stdout.write(`\nDemo campaign ${demo.created ? 'created' : 'ready'}: "${demo.campaign.name}"\nClick URL: ${demo.clickUrl}\nAdmin API reference: ${config.baseUrl}/api/docs\n\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await worker?.stop();
    await app.close();
    await edge?.stop();
    await events?.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
