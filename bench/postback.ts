import type { BenchOptions, BenchPart } from './lib/bench-part.js';
import { startBareServer, type ChildServer } from './lib/child-server.js';
import { describeFailures, type LoadRequest, type LoadResult } from './lib/load.js';
import { peakLoad } from './lib/peak-load.js';
import { profileUnderLoad } from './lib/profile-under-load.js';
import { formatNumber, median, printFigures, printTable } from './lib/report.js';
import { clickRequests, createCampaign } from './redirect.js';
import { startWaypost, type WaypostServer } from './lib/waypost-server.js';

/**
 * The postback benchmark: valid S2S conversion postbacks (`GET /postback?clickid=…&sum=…`, each for a
 * real click, each creating a conversion and a log entry) against a bare `node:http` server answering
 * 200, driven by the same load generator in alternation.
 */
const WARMUP_SECONDS = 2;
const CLICKS = 4000;
const TARGET_RATIO = 0.3;

export const postbackBench: BenchPart = {
  name: 'postback',
  summary: 'valid conversion postbacks vs a bare node:http 200',
  timeoutSeconds: (options) =>
    Math.ceil(90 + (options.cpuProfile ? WARMUP_SECONDS + options.seconds + 30 : options.rounds * 2 * (WARMUP_SECONDS + options.seconds + 2))),
  run: (options) => (options.cpuProfile ? profilePostbacks(options) : comparePostbacks(options)),
};


/** Real clicks, made through the campaign URL, whose ids the postbacks then convert. */
async function makeClicks(server: WaypostServer, campaignKey: string): Promise<string[]> {
  const requests = clickRequests(campaignKey, CLICKS);
  const ids: string[] = [];
  for (let i = 0; i < requests.length; i += 50) {
    const batch = await Promise.all(
      requests.slice(i, i + 50).map(async (request) => {
        const response = await fetch(`${server.url}${request.path}`, { redirect: 'manual', headers: request.headers, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        const location = response.headers.get('location');
        if (response.status !== 302 || !location) throw new Error(`click answered ${response.status}`);
        return new URL(location).searchParams.get('cid')!;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

async function waitForCampaign(server: WaypostServer, path: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await fetch(`${server.url}${path}`, { redirect: 'manual' })).status !== 302) {
    if (Date.now() > deadline) throw new Error('the campaign was not served within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A campaign, its clicks, and one postback per click, checked to be accepted. */
async function preparePostbacks(waypost: WaypostServer): Promise<LoadRequest[]> {
  const campaign = await createCampaign(waypost);
  await waitForCampaign(waypost, clickRequests(campaign.key, 1)[0]!.path);
  const clickIds = await makeClicks(waypost, campaign.key);
  // Each request a different click and payout: every postback creates a conversion (no duplicate mode).
  const requests: LoadRequest[] = clickIds.map((clickId, i) => ({ path: `/postback?clickid=${clickId}&sum=${(i % 50) + 1}.25&txid=bench-${i}`, headers: {} }));
  const check = await fetch(`${waypost.url}${requests[0]!.path}`);
  const checkBody = await check.text();
  if (check.status !== 200 || !checkBody.startsWith('accepted')) throw new Error(`a postback answered ${check.status}: ${checkBody}`);
  process.stdout.write(`  ${clickIds.length} clicks made; postbacks like ${requests[0]!.path} answer "${checkBody.trim()}"\n`);
  return requests;
}

/** `--cpu-prof`: Waypost alone under full postback load in the V8 profiler, then where its CPU time went. */
async function profilePostbacks(options: BenchOptions): Promise<void> {
  await profileUnderLoad({
    label: 'postback',
    prepare: async (server) => ({ requests: await preparePostbacks(server), expectedStatus: 200 }),
    warmupSeconds: WARMUP_SECONDS,
    seconds: options.seconds,
    connections: options.connections,
  });
}

async function comparePostbacks(options: BenchOptions): Promise<void> {
  const [bare, waypost] = await Promise.all([startBareServer('ok'), startWaypost()]);
  const requests = await preparePostbacks(waypost);

  const run = async (server: ChildServer, seconds: number): Promise<LoadResult> =>
    peakLoad({ url: server.url, requests, connections: options.connections, seconds, expectedStatus: 200 });
  const bareRates: number[] = [];
  const ourRates: number[] = [];
  const rows: string[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const [server, rates] of [[bare, bareRates], [waypost, ourRates]] as const) {
      await run(server, WARMUP_SECONDS);
      const result = await run(server, options.seconds);
      rates.push(result.rate);
      rows.push([String(round), server.name, formatNumber(result.rate, 0), String(result.failures), describeFailures(result, 200)]);
    }
  }
  printTable('postbacks at full load', ['round', 'server', 'ok/s', 'failures', 'notes'], rows);
  const ratio = median(ourRates) / median(bareRates);
  printFigures([
    { name: 'postback_bare_rate', value: median(bareRates), unit: 'req/s', digits: 0 },
    { name: 'postback_waypost_rate', value: median(ourRates), unit: 'req/s', digits: 0 },
    { name: 'postback_throughput_ratio', value: ratio, unit: '', digits: 3, target: `≥ ${TARGET_RATIO}`, met: ratio >= TARGET_RATIO },
  ]);
}
