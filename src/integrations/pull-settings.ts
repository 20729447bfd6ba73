import { z } from 'zod';

/**
 * How an offer-source integration pulls conversions from the partner's reporting API (seed 004:
 * hourly, a 7-day lookback). Stored in the integration's settings under `pull`, beside `import`; the
 * pull engine (pull-conversions.ts) and the worker's schedule are the readers.
 */
export const pullSettingsSchema = z
  .object({
    /** Scheduled pulls; a manual pull runs either way. */
    enabled: z.boolean().default(true),
    /** Minutes between scheduled pulls. */
    frequencyMinutes: z.number().int().min(15).max(10_080).default(60),
    /** Each pull asks for the conversions of the last `lookbackDays` days, so status changes there are seen. */
    lookbackDays: z.number().int().min(1).max(90).default(7),
  })
  .strict();
export type PullSettings = z.output<typeof pullSettingsSchema>;

export function readPullSettings(settings: Record<string, unknown>): PullSettings {
  return pullSettingsSchema.parse(settings.pull ?? {});
}
