/**
 * The worker's recurring work, as data: a name, a cron pattern (seconds first), and the job it runs.
 * Integration syncs, outgoing postbacks and rules join this list as they arrive.
 */
export interface Schedule {
  name: string;
  pattern: string;
  job: string;
  /** Runs too often to log each one; only failures (and the job's own lines) are logged. */
  quiet?: boolean;
  /** Needs the event store: runs only in a process that has it open. */
  events?: boolean;
  /** Opens partners' credentials: runs only in a process that has the secret key. */
  credentials?: boolean;
}

export const SCHEDULES: readonly Schedule[] = [
  { name: 'store maintenance', pattern: '0 17 * * * *', job: 'store-maintenance' },
  { name: 'personal data retention', pattern: '0 41 3 * * *', job: 'personal-data-retention' },
  { name: 'outgoing postbacks', pattern: '* * * * * *', job: 'send-outbox', quiet: true },
  { name: 'report facts refresh', pattern: '*/30 * * * * *', job: 'refresh-report-facts', quiet: true, events: true },
  { name: 'click retention', pattern: '0 23 4 * * *', job: 'click-retention', events: true },
  // Each integration's own frequency (settings.import.frequencyMinutes) is checked every minute.
  { name: 'scheduled offer imports', pattern: '0 * * * * *', job: 'import-due-offers', quiet: true, credentials: true },
  // Every hour: each channel integration's spend of its last costSyncDays days (the channel may still correct them).
  { name: 'channel cost sync', pattern: '0 7 * * * *', job: 'sync-channel-costs', events: true, credentials: true },
  // Each integration's settings.pull.frequencyMinutes, checked every minute, half a minute after the imports.
  { name: 'scheduled conversion pulls', pattern: '30 * * * * *', job: 'pull-due-conversions', quiet: true, credentials: true, events: true },
  // Each active rule's own frequencyMinutes and schedule are checked every minute, and due restarts made.
  { name: 'automated rules', pattern: '0 * * * * *', job: 'run-due-rules', quiet: true, events: true, credentials: true },
];
