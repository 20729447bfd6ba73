import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';
import { ClickBuffer } from './click-buffer.js';
import { SnapshotHolder } from './configuration-snapshot.js';
import type { VisitorDetector } from './detection/visitor-detector.js';
import { createEdgeMetrics } from './edge-metrics.js';
import type { EdgeDeps } from './edge-plugin.js';
import { OfferCaps } from './offer-caps.js';
import { Redirector } from './redirect-response.js';
import { UniqueVisitors } from './unique-visitors.js';
import { CurrencyConverter } from '../conversions/currency-rates.js';
import { queueChannelPostback } from '../conversions/channel-postback-queue.js';
import { clientIp } from './detection/client-ip.js';
import { createIpList } from './detection/ip-list.js';

/** How often the unique-visitor sweep takes its next slice, and how many entries a slice looks at (about a millisecond). */
const UNIQUE_SWEEP_MS = 1_000;
const UNIQUE_SWEEP_SLICE = 20_000;

/** About 64k clicks: more than a minute of a busy edge's traffic waiting to be stored. */
const SPOOL_BACKLOG_WARN_BYTES = 64 * 1024 * 1024;

export interface EdgeRuntimeOptions {
  entities: EntityStore;
  events: EventStore;
  detector: VisitorDetector;
  logger: Logger;
  registry: Registry;
  /** Signs double-meta-refresh hops. */
  secretKey: Buffer;
  secureCookies: boolean;
  trustedProxies: readonly string[];
  accountCurrency: string;
  /** How often the configuration version is checked; a change is served within this time. */
  snapshotPollMs?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * Everything the edge holds in memory, restored at start: the configuration snapshot, unique-visitor
 * and offer-cap counters. Logs traffic as one aggregate line a minute, never a line per click.
 */
export async function startEdgeRuntime(options: EdgeRuntimeOptions): Promise<{ deps: EdgeDeps; snapshots: SnapshotHolder; buffer: ClickBuffer; stop(): Promise<void> }> {
  const logger = options.logger.child({ role: 'edge' });
  const now = options.now ?? Date.now;
  const snapshots = new SnapshotHolder(options.entities, logger);
  await snapshots.start(options.snapshotPollMs);

  const uniques = new UniqueVisitors();
  // As far back as the longest uniqueness window in use (campaigns may count a visitor unique once a year).
  uniques.restore(await options.events.recentVisitors(now() - snapshots.current.longestUniquenessWindowMs));
  const caps = new OfferCaps();
  caps.restoreClicks(await options.events.offerClicksHourly());
  caps.restoreConversions(await options.entities.conversions.offerConversionsHourly());
  const buffer = new ClickBuffer(options.events);
  const metrics = createEdgeMetrics(options.registry, () => options.events.spoolBacklogBytes());

  let lastFailureLog = 0;
  const trusted = createIpList(options.trustedProxies, 'WAYPOST_TRUSTED_PROXIES');
  const deps: EdgeDeps = {
    state: {
      snapshot: () => snapshots.current,
      detector: options.detector,
      buffer,
      uniques,
      caps,
      random: options.random ?? Math.random,
      now,
    },
    events: options.events,
    conversions: {
      store: options.entities,
      events: options.events,
      snapshot: () => snapshots.current,
      currency: new CurrencyConverter(options.entities, options.accountCurrency),
      caps,
      async onConversion(conversion) {
        const snapshot = snapshots.current;
        const entry = snapshot.campaignById(conversion.campaignId);
        if (!entry) return;
        try {
          await queueChannelPostback(options.entities, {
            conversion,
            campaign: entry.campaign,
            channel: entry.channel,
            conversionType: conversion.type === null ? undefined : snapshot.conversionTypes.get(conversion.type),
            accountCurrency: options.accountCurrency,
          });
        } catch (error) {
          // The conversion is stored; a failing outbox must not turn the network's postback into an error.
          logger.error({ err: error, conversionId: conversion.id }, 'could not queue the channel postback');
        }
      },
      onUnloggedPostback(entry, error) {
        logger.error({ err: error, postback: entry }, 'could not write the postback log row of a recorded conversion; it is kept here');
      },
      now,
    },
    clientIp: (request) => clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for'], trusted),
    metrics,
    redirector: new Redirector(options.secretKey),
    secureCookies: options.secureCookies,
    logStoreFailure(error) {
      if (now() - lastFailureLog < 10_000) return;
      lastFailureLog = now();
      logger.error({ err: error }, 'the event store refused a write; visitors are still redirected (see waypost_edge_unrecorded_total)');
    },
  };

  let reported = { ...buffer.stats };
  const reporter = setInterval(() => {
    const stats = buffer.stats;
    const clicks = stats.clicks - reported.clicks;
    const impressions = stats.impressions - reported.impressions;
    const batches = stats.batches - reported.batches;
    const spoolBacklogBytes = options.events.spoolBacklogBytes();
    if (clicks || impressions) {
      logger.info(
        { clicks, impressions, batches, clicksPerBatch: batches ? +(clicks / batches).toFixed(1) : 0, failures: stats.failures - reported.failures, spoolBacklogBytes },
        'edge traffic in the last minute',
      );
    }
    // Visitors are still answered; what they clicked is safe in the spool, but not yet in reports.
    if (spoolBacklogBytes > SPOOL_BACKLOG_WARN_BYTES) {
      logger.warn({ spoolBacklogBytes }, 'the event database is behind: acknowledged clicks are waiting in the spool (see waypost_edge_spool_backlog_bytes)');
    }
    reported = { ...stats };
  }, 60_000);
  reporter.unref();
  // A slice a second: a pass over millions of remembered visitors is spread over minutes, never one long turn.
  const sweeper = setInterval(() => uniques.sweepSome(now() - snapshots.current.longestUniquenessWindowMs, UNIQUE_SWEEP_SLICE), UNIQUE_SWEEP_MS);
  sweeper.unref();

  return {
    deps,
    snapshots,
    buffer,
    async stop() {
      clearInterval(reporter);
      clearInterval(sweeper);
      snapshots.stop();
      await buffer.drain();
    },
  };
}
