/**
 * The worker's recurring work, as data: a name, a cron pattern (seconds first), and the job it runs.
 * Integration syncs, outgoing postbacks and rules join this list as they arrive.
 */
export interface Schedule {
  name: string;
  pattern: string;
  job: string;
}

export const SCHEDULES: readonly Schedule[] = [{ name: 'store maintenance', pattern: '0 17 * * * *', job: 'store-maintenance' }];
