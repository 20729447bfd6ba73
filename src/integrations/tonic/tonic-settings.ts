import { z } from 'zod';
import { httpUrlSchema } from '../../domain/entity.js';

/**
 * A Tonic advertiser account, as RedTrack's Tonic template asks for it: the account's email and
 * password (seed 000). The password is the credential (sealed); the email names the account.
 */
export const tonicSettingsSchema = z.object({
  email: z.string().trim().email().max(320).describe('the email of the Tonic advertiser account'),
  password: z.string().min(1).max(500).describe('the password of the Tonic advertiser account'),
  /** Overrides Tonic's API host (advertiser-endpoints.ts): a proxy, or a test server. */
  baseUrl: httpUrlSchema.nullable().default(null),
  /** Tonic's tokens last about 6 hours; one is renewed a little before that, or at once when Tonic refuses it. */
  tokenLifetimeMinutes: z.number().int().min(5).max(24 * 60).default(360),
});
export type TonicSettingsInput = z.input<typeof tonicSettingsSchema>;
export type TonicSettings = z.output<typeof tonicSettingsSchema>;
