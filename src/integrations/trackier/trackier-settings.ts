import { z } from 'zod';
import { httpUrlSchema, timeZoneSchema } from '../../domain/entity.js';

/**
 * The tracking-link parameters a Trackier publisher can fill (`?p1=…&source=…`). The one the user
 * fills with `{clickid}` comes back on each conversion under the same name.
 */
export const TRACKIER_SUB_FIELDS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10', 'source'] as const;
export type TrackierSubField = (typeof TRACKIER_SUB_FIELDS)[number];

export const trackierSettingsSchema = z.object({
  /** The publisher's API key, sent only in the X-Api-Key header. */
  apiKey: z
    .string()
    .trim()
    .min(1)
    // Anything else cannot travel in an HTTP header, and would fail every call.
    .regex(/^[\x21-\x7e]+$/, 'must be the API key as Trackier shows it (printable characters, no spaces)'),
  /** Defaults to `https://api.trackier.com`; a proxy or a test server otherwise. */
  baseUrl: httpUrlSchema.nullable().default(null),
  /** Where the click id travels in the tracking link; `p1` is what Trackier's own links show. */
  clickIdField: z.enum(TRACKIER_SUB_FIELDS).default('p1'),
  /** The zone the conversion report's `start`/`end` days are read in. */
  timeZone: timeZoneSchema.default('UTC'),
  /** `limit` of both lists: the conversions report takes 100 to 1000, campaigns default to 1000. */
  pageSize: z.number().int().min(100).max(1000).default(1000),
});
export type TrackierSettingsInput = z.input<typeof trackierSettingsSchema>;
export type TrackierSettings = z.output<typeof trackierSettingsSchema>;

export const TRACKIER_API_BASE = 'https://api.trackier.com';
