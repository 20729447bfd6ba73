import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Schedule } from './schedules.js';

export type JobHandlers = Record<string, () => Promise<void>>;

/**
 * Runs each schedule's job on its pattern. A job never overlaps itself (a slow run makes the next
 * tick skip), and a failing job is logged and tried again at its next tick.
 */
export function startScheduler(schedules: readonly Schedule[], handlers: JobHandlers, logger: Logger): { stop(): Promise<void> } {
  for (const schedule of schedules) {
    if (!handlers[schedule.job]) throw new Error(`schedule "${schedule.name}" names unknown job "${schedule.job}"`);
  }
  const running = new Set<Promise<void>>();
  const crons = schedules.map(
    (schedule) =>
      new Cron(schedule.pattern, { name: schedule.name, protect: true, unref: true }, async () => {
        const started = Date.now();
        const run = handlers[schedule.job]!().then(
          () => logger[schedule.quiet ? 'debug' : 'info']({ job: schedule.job, ms: Date.now() - started }, 'job finished'),
          (error: unknown) => logger.error({ job: schedule.job, err: error }, 'job failed; it runs again at its next tick'),
        );
        running.add(run);
        await run;
        running.delete(run);
      }),
  );
  return {
    /** No new runs; resolves once the runs under way have finished, so the stores can close under none. */
    async stop() {
      for (const cron of crons) cron.stop();
      await Promise.all(running);
    },
  };
}
