import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCli } from '../support/run-cli.js';

/** A thread's nice value: field 19 of its stat line, counted after the command name's closing parenthesis. */
function niceOf(pid: number, tid: string): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('a started Waypost keeps its event loop at normal priority and lowers node’s helper threads and the click writer', { skip: process.platform !== 'linux' && 'thread priorities are per thread on Linux only' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypost-priority-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startCli(['start', '--demo'], { WAYPOST_DATA_DIR: dir, WAYPOST_PORT: String(port), WAYPOST_HOST: '127.0.0.1', WAYPOST_LOG_LEVEL: 'info' }, /Click URL: \S+/);
  try {
    const pid = server.child.pid!;
    const before = new Set(readdirSync(`/proc/${pid}/task`));
    // A click starts the writer thread, which lowers itself.
    const clickUrl = /Click URL: (\S+)/.exec(server.output())![1]!.replace(/^https?:\/\/[^/]+/, base);
    // The edge serves the demo campaign once its configuration snapshot has it (within about a second).
    let status = 0;
    for (let i = 0; i < 60 && status !== 302; i++) {
      status = (await fetch(clickUrl, { redirect: 'manual' })).status;
      if (status !== 302) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 302);
    // The 302 goes out once the click is spooled; the writer thread boots beside it and then lowers itself.
    const writerLowered = () => readdirSync(`/proc/${pid}/task`).some((tid) => !before.has(tid) && niceOf(pid, tid) === 19);
    for (let i = 0; i < 100 && !writerLowered(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(writerLowered(), 'the click writer, started after the start-up, lowered itself');
    const threads = readdirSync(`/proc/${pid}/task`);
    const nice = new Map(threads.map((tid) => [tid, niceOf(pid, tid)]));
    assert.equal(nice.get(String(pid)), 0, 'the event loop keeps its priority');
    const lowered = threads.filter((tid) => nice.get(tid) === 19);
    // node's four V8 helpers and its task scheduler, at least, plus the writer.
    assert.ok(lowered.length >= 6, `threads at nice 19: ${lowered.length} of ${threads.length}`);
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
});
