import { Worker, type ResourceLimits } from 'node:worker_threads';
import { LOWER_OWN_PRIORITY } from './thread-priority.js';

// Node 20 does not carry module hooks into worker threads, so a thread run from the TypeScript
// sources (tests, benchmarks) registers tsx itself before importing its entry; built code never does.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
${LOWER_OWN_PRIORITY}
(async () => {
  if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
  await import(workerData.entry);
})();
`;

/**
 * A thread running one of this codebase's modules, at the lowest priority (they all do background
 * work): `entry` is the module's URL, `data` its `workerData` (besides `entry`).
 */
export function startModuleThread(entry: URL, data: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...data, entry: entry.href }, ...(resourceLimits && { resourceLimits }) });
}

/** A sibling module's URL with the calling module's extension: `.js` when built, `.ts` from the sources. */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}
