/** One part of `npm run bench` (redirect, later postbacks and reports), run by bench/run.ts. */

export interface BenchOptions {
  /** Alternating rounds per server; figures are the medians. */
  rounds: number;
  /** Length of one measured run at full load, in seconds. */
  seconds: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** Instead of the comparison, profile Waypost under full load and print where its CPU time goes. */
  cpuProfile: boolean;
}

export interface BenchPart {
  name: string;
  summary: string;
  /** The longest the part may take with these options; run.ts stops it after that. */
  timeoutSeconds(options: BenchOptions): number;
  run(options: BenchOptions): Promise<void>;
}
