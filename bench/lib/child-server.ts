import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { stopChild, trackChild } from './cleanup.js';

/** A server under test, in its own process so the bench's load generator never shares its event loop. */
export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the process printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_KEPT = 16_384;
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Spawns `node <args>` in the repository root with only the given environment (plus PATH) and keeps the tail of its output. */
export function spawnNode(name: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`bench: ${name} exited with code ${code}\n${output}\n`);
  });
  return { child, output: () => output };
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits or times out first. */
export async function waitForOutput(name: string, spawned: { child: ChildProcess; output: () => string }, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(spawned.output());
    if (match) return match;
    if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${spawned.output()}`);
    if (Date.now() > deadline) throw new Error(`${name} was not ready after ${timeoutMs} ms:\n${spawned.output()}`);
    await sleep(50);
  }
}

/** Polls `url` until it answers 200; rejects if the child exits or the time runs out first. */
export async function waitForHttpOk(name: string, spawned: { child: ChildProcess; output: () => string }, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${spawned.output()}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name}: ${url} did not answer 200 within ${timeoutMs} ms (last status ${status}):\n${spawned.output()}`);
    await sleep(100);
  }
}

export function childServer(name: string, spawned: { child: ChildProcess; output: () => string }, url: string): ChildServer {
  return {
    name,
    url,
    pid: spawned.child.pid!,
    child: spawned.child,
    output: spawned.output,
    stop: () => stopChild(spawned.child),
  };
}

/** The bare `node:http` baseline (bench/bare-server.ts) answering a fixed 302 or a 200. */
export async function startBareServer(answer: 'redirect' | 'ok'): Promise<ChildServer> {
  const script = fileURLToPath(new URL('../bare-server.ts', import.meta.url));
  const spawned = spawnNode('bare server', ['--import', 'tsx', script], { BARE_ANSWER: answer });
  const [, port] = await waitForOutput('bare server', spawned, /listening (\d+)/, 15_000);
  return childServer('bare node:http', spawned, `http://127.0.0.1:${port}`);
}
