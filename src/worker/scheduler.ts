import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Schedule } from './schedules.js';

export type JobHandlers = Record<string, () => Promise<void>>;

/**
 * Runs each schedule's job on its pattern. A job never overlaps itself (a slow run makes the next
 * tick skip), and a failing job is logged and tried again at its next tick.
 */
export function startScheduler(schedules: readonly Schedule[], handlers: JobHandlers, logger: Logger): { stop(): void } {
  for (const schedule of schedules) {
    if (!handlers[schedule.job]) throw new Error(`schedule "${schedule.name}" names unknown job "${schedule.job}"`);
  }
  const crons = schedules.map(
    (schedule) =>
      new Cron(schedule.pattern, { name: schedule.name, protect: true, unref: true }, async () => {
        const started = Date.now();
        try {
          await handlers[schedule.job]!();
          logger[schedule.quiet ? 'debug' : 'info']({ job: schedule.job, ms: Date.now() - started }, 'job finished');
        } catch (error) {
          logger.error({ job: schedule.job, err: error }, 'job failed; it runs again at its next tick');
        }
      }),
  );
  return {
    stop() {
      for (const cron of crons) cron.stop();
    },
  };
}
