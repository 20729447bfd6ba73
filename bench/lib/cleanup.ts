import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * What a benchmark leaves behind (child servers, temporary directories), undone in reverse order on
 * a normal end, on an error, and on Ctrl-C or SIGTERM, so no server outlives the bench.
 */
type Undo = () => Promise<void> | void;

const undos: Undo[] = [];
const children = new Set<ChildProcess>();
const directories = new Set<string>();

export function onCleanup(undo: Undo): void {
  undos.push(undo);
}

/** A child process the bench started; it is stopped at cleanup if still running. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  onCleanup(() => stopChild(child));
}

/** A temporary directory removed at cleanup (after the children that use it have stopped). */
export function trackDirectory(path: string): void {
  directories.add(path);
  onCleanup(() => {
    rmSync(path, { recursive: true, force: true });
    directories.delete(path);
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function cleanupAll(): Promise<void> {
  while (undos.length) {
    const undo = undos.pop()!;
    try {
      await undo();
    } catch (error) {
      process.stderr.write(`bench: cleanup step failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

let installed = false;

/** Ctrl-C and SIGTERM clean up before exiting; a last synchronous pass runs at any exit. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write(`\nbench: ${signal} received, stopping the servers and removing temporary files…\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const path of directories) {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {
        // a child killed just now may still be writing; nothing more can be done at exit
      }
    }
  });
}
