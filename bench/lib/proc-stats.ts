import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export function readRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** User plus system CPU time a process has used so far, in seconds. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the samples in bytes. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number[] } {
  const samples: number[] = [];
  const take = () => {
    try {
      samples.push(readRssBytes(pid));
    } catch {
      // the process is gone; the run will report its errors
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Share of one core a process used between two readings, as a percentage. */
export function cpuMeter(pid: number): { stop(): number } {
  const startCpu = readCpuSeconds(pid);
  const startWall = process.hrtime.bigint();
  return {
    stop() {
      const wall = Number(process.hrtime.bigint() - startWall) / 1e9;
      return wall > 0 ? ((readCpuSeconds(pid) - startCpu) / wall) * 100 : 0;
    },
  };
}

/** CPU the whole machine used between two readings of /proc/stat, in percent of one core (2 cores busy = 200). */
export function machineCpuMeter(): { stop(): number } {
  const read = () => {
    // cpu  user nice system idle iowait irq softirq steal …, in ticks
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - idle };
  };
  const start = read();
  const startWall = process.hrtime.bigint();
  return {
    stop() {
      const wall = Number(process.hrtime.bigint() - startWall) / 1e9;
      return wall > 0 ? ((read().busy - start.busy) / TICKS_PER_SECOND / wall) * 100 : 0;
    },
  };
}
