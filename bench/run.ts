import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchOptions, BenchPart } from './lib/bench-part.js';
import { cleanupAll, installCleanupHandlers } from './lib/cleanup.js';
import { postbackBench } from './postback.js';
import { redirectBench } from './redirect.js';
import { reportsBench } from './reports.js';

/**
 * `npm run bench [-- <part>...] [--rounds N] [--seconds S] [--connections C] [--cpu-prof]`: runs the
 * named parts, or the quick ones (DEFAULT_PARTS), one after the other. Each part starts its own servers
 * and stops them.
 */
const PARTS: readonly BenchPart[] = [redirectBench, postbackBench, reportsBench];
/**
 * What `npm run bench` runs without a part: the quick ones. `reports` runs only when named: its first
 * run generates 10 million clicks (minutes, several GB), and it measures a different thing.
 */
const DEFAULT_PARTS: readonly BenchPart[] = [redirectBench, postbackBench];

const USAGE = `Usage: npm run bench [-- [part ...] [options]]

Parts: ${PARTS.map((part) => `${part.name} (${part.summary})`).join('; ')}.
No part runs ${DEFAULT_PARTS.map((part) => part.name).join(' and ')}; reports runs only when named (npm run bench -- reports),
since its first run generates its dataset (kept in the temp directory for the next runs). Run it under the
shared lock: flock /tmp/waypost-bench.lock npm run bench -- reports

  --rounds N        alternating full-load rounds per server (default 2; redirect: three more fixed-rate rounds;
                    figures are medians); reports: timed runs per engine and report, at least 5
  --seconds S       length of one full-load run (default 10)
  --connections C   concurrent connections (default 64)
  --cpu-prof        profile Waypost under full load instead, and print where its time goes`;

function parseOptions(argv: string[]): { parts: BenchPart[]; options: BenchOptions } {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '64' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, text: string, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
    return value;
  };
  const parts = positionals.length
    ? positionals.map((name) => PARTS.find((part) => part.name === name) ?? throwUsage(`unknown part "${name}"`))
    : [...DEFAULT_PARTS];
  return {
    parts,
    options: {
      rounds: positive('rounds', values.rounds, 10),
      seconds: positive('seconds', values.seconds, 120),
      connections: positive('connections', values.connections, 1000),
      cpuProfile: values['cpu-prof'],
    },
  };
}

class UsageError extends Error {}
function throwUsage(message: string): never {
  throw new UsageError(message);
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const { parts, options } = parseOptions(process.argv.slice(2));
  for (const part of parts) {
    const limit = part.timeoutSeconds(options);
    process.stdout.write(`\n== bench: ${part.name} — ${part.summary} (stops itself after at most ${limit} s)\n${machineLoad('before')}\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${part.name} bench took longer than ${limit} s and was stopped`)), limit * 1000);
    });
    try {
      await Promise.race([part.run(options), timeout]);
    } finally {
      clearTimeout(timer);
      await cleanupAll();
    }
    process.stdout.write(`\n${machineLoad('after')}\n`);
  }
}

/** Other work on the machine skews every figure, latency percentiles most: say how busy it was. */
function machineLoad(when: string): string {
  return `machine ${when}: ${availableParallelism()} cores, load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`;
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await cleanupAll();
    const usage = error instanceof UsageError || (error instanceof TypeError && String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS'));
    if (usage) process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    else process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
