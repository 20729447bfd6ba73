import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and tells where the time went, by function and by package. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the machine's monotonic clock, the one `process.hrtime` reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  /** Where it is: a path relative to the repository, `node_modules/<package>/…`, or `node:…`. */
  location: string;
  /** `waypost`, a package name, `node` (internals) or a V8 pseudo-node such as `(garbage collector)`. */
  owner: string;
  selfMs: number;
  totalMs: number;
  /** The caller that accounts for most of the self time ('' if none), e.g. for native functions. */
  topCaller: string;
}

export interface ProfileSummary {
  /** Sampled time, idle included, in milliseconds. */
  totalMs: number;
  idleMs: number;
  functions: FunctionTime[];
  /** Self time by owner. */
  owners: { owner: string; selfMs: number }[];
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function ownerAndLocation(frame: ProfileNode['callFrame']): { owner: string; location: string } {
  const url = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  if (!url) return { owner: frame.functionName.startsWith('(') ? frame.functionName : 'v8', location: '' };
  if (url.startsWith('node:')) return { owner: 'node', location: url };
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length);
    const parts = rest.split('/');
    const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    return { owner: name, location: `node_modules/${rest}` };
  }
  const relative = url.startsWith(REPO_ROOT) ? url.slice(REPO_ROOT.length) : url;
  return { owner: relative.startsWith('dist/') ? 'waypost' : 'other', location: relative };
}

/** Only samples between these two `process.hrtime` readings (microseconds) count, e.g. the load and not the start-up. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export function summarizeCpuProfile(path: string, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const functions = new Map<string, FunctionTime>();
  const callers = new Map<string, Map<string, number>>();
  const keyOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { owner, location } = ownerAndLocation(node.callFrame);
    const name = node.callFrame.functionName || '(anonymous)';
    const place = location ? `${location}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${name}@${place}`;
    keyOf.set(node.id, key);
    if (!functions.has(key)) functions.set(key, { name, location: place, owner, selfMs: 0, totalMs: 0, topCaller: '' });
  }

  let totalMs = 0;
  let idleMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    // A sample's time is the delta to the next sample.
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    totalMs += ms;
    const ownKey = keyOf.get(id)!;
    const own = functions.get(ownKey)!;
    own.selfMs += ms;
    const parentId = parent.get(id);
    if (parentId !== undefined) {
      const byCaller = callers.get(ownKey) ?? new Map<string, number>();
      callers.set(ownKey, byCaller);
      const callerKey = keyOf.get(parentId)!;
      byCaller.set(callerKey, (byCaller.get(callerKey) ?? 0) + ms);
    }
    if (own.name === '(idle)') idleMs += ms;
    // Inclusive time: once per distinct function on the stack, so recursion is not counted twice.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const key = keyOf.get(node)!;
      if (seen.has(key)) continue;
      seen.add(key);
      functions.get(key)!.totalMs += ms;
    }
  });

  for (const [key, byCaller] of callers) {
    const [top] = [...byCaller.entries()].sort((a, b) => b[1] - a[1]);
    const caller = top ? functions.get(top[0]) : undefined;
    if (caller) functions.get(key)!.topCaller = `${caller.name} ${caller.location.replace(/^.*\//, '')}`;
  }

  const owners = new Map<string, number>();
  for (const fn of functions.values()) owners.set(fn.owner, (owners.get(fn.owner) ?? 0) + fn.selfMs);
  return {
    totalMs,
    idleMs,
    functions: [...functions.values()],
    owners: [...owners.entries()].map(([owner, selfMs]) => ({ owner, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}
