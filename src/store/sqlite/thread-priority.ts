/**
 * A statement for the source of a store thread (the eval'd ones, and module threads' bootstrap):
 * lowers the thread that runs it to the lowest priority. Storing spooled clicks, summing rollups and
 * copying WAL frames can wait; a visitor cannot. On two cores these threads otherwise took the event
 * loop's core in the middle of a burst of answers while the other idled (measured at 64 connections:
 * 35k clicks a second with the writer at normal priority against 46k to 48k lowered; with the rollup
 * and checkpointer threads lowered too, the 99th-percentile redirect time at half load stayed at or
 * under 5.1 ms in eight runs, where one run in eight had reached 23.6 ms). Linux gives each thread
 * its own nice value, found through /proc/thread-self; elsewhere the thread keeps the process's.
 */
export const LOWER_OWN_PRIORITY = `try {
  require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // Not Linux, or not allowed: the thread keeps the process's priority.
}`;
