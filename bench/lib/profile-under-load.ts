import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackDirectory } from './cleanup.js';
import { summarizeCpuProfile, type FunctionTime } from './cpu-profile-summary.js';
import { describeFailures, type LoadRequest } from './load.js';
import { peakLoad } from './peak-load.js';
import { formatNumber, printTable } from './report.js';
import { startWaypost, type WaypostServer } from './waypost-server.js';

/** Kept after the run (git-ignored) so the profile can be opened in Chrome DevTools or speedscope. */
const PROFILES_DIR = fileURLToPath(new URL('../profiles/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLING_INTERVAL_US = 250;

export interface ProfileUnderLoadOptions {
  label: string;
  /** Creates what the load needs and returns the requests to send. */
  prepare(server: WaypostServer): Promise<{ requests: LoadRequest[]; expectedStatus: number }>;
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

/**
 * Runs Waypost under `--cpu-prof`, loads it at full speed, stops it (the profile is written at exit),
 * and prints the functions with the most self and inclusive time, own code and libraries apart.
 */
export async function profileUnderLoad(options: ProfileUnderLoadOptions): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'waypost-bench-prof-'));
  trackDirectory(scratch);
  const server = await startWaypost({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${scratch}`, `--cpu-prof-interval=${SAMPLING_INTERVAL_US}`] });
  const { requests, expectedStatus } = await options.prepare(server);
  const load = { url: server.url, requests, connections: options.connections, expectedStatus };
  await peakLoad({ ...load, seconds: options.warmupSeconds });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const result = await peakLoad({ ...load, seconds: options.seconds });
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const failures = describeFailures(result, expectedStatus);
  process.stderr.write(`  under the profiler: ${formatNumber(result.rate, 0)} req/s${failures ? `, failures: ${failures}` : ''}\n`);
  await server.stop();

  // Profiles are named CPU.<date>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the event loop, the
  // others are Waypost's worker threads (the click writer).
  const written = readdirSync(scratch).filter((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (written.length !== 1) throw new Error(`expected one main-thread .cpuprofile from Waypost, found ${written.length}:\n${server.output()}`);
  mkdirSync(PROFILES_DIR, { recursive: true });
  const kept = join(PROFILES_DIR, `${options.label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  copyFileSync(join(scratch, written[0]!), kept);

  // The profile covers the process's whole life; only the measured load counts here.
  const summary = summarizeCpuProfile(kept, { fromUs, toUs });
  const busy = summary.totalMs - summary.idleMs;
  const share = (ms: number) => `${formatNumber((ms / busy) * 100, 1)} %`;
  process.stdout.write(
    `\nProfile: ${relative(REPO_ROOT, kept)}\n${formatNumber(summary.totalMs / 1000, 1)} s of full load sampled, ${formatNumber(busy / 1000, 1)} s busy; shares below are of busy time\n`,
  );

  printTable('Self time by owner', ['owner', 'self', 'share'], summary.owners.filter((o) => o.owner !== '(idle)').slice(0, 15).map((o) => [o.owner, `${formatNumber(o.selfMs, 0)} ms`, share(o.selfMs)]));
  const where = (fn: FunctionTime) => fn.location.replace(/^node_modules\/(@[^/]+\/)?[^/]+\//, '').slice(-50);
  const notIdle = summary.functions.filter((fn) => fn.name !== '(idle)');
  printTable(
    'Top self time',
    ['function', 'owner', 'where', 'self', 'share', 'mostly called from'],
    [...notIdle]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 30)
      .map((fn) => [fn.name.slice(0, 40), fn.owner, where(fn), `${formatNumber(fn.selfMs, 0)} ms`, share(fn.selfMs), fn.topCaller.slice(0, 60)]),
  );
  printTable(
    "Waypost's own functions by inclusive time (with what they call)",
    ['function', 'where', 'total', 'share', 'self'],
    notIdle
      .filter((fn) => fn.owner === 'waypost')
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 25)
      .map((fn) => [fn.name.slice(0, 40), where(fn), `${formatNumber(fn.totalMs, 0)} ms`, share(fn.totalMs), share(fn.selfMs)]),
  );
}
