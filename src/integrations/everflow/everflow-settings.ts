import { z } from 'zod';
import { httpUrlSchema } from '../../domain/entity.js';

/** Everflow's two API hosts; an affiliate's key works on the one its network lives on. */
export const EVERFLOW_API_BASES = {
  global: 'https://api.eflow.team/v1/affiliates',
  eu: 'https://api-eu.eflow.team/v1/affiliates',
} as const;

/**
 * The tracking-link parameters an affiliate can append (`?sub1=…&source_id=…`). The one the user
 * fills with `{clickid}` comes back on each conversion row under the same name.
 */
export const EVERFLOW_SUB_FIELDS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'source_id'] as const;
export type EverflowSubField = (typeof EVERFLOW_SUB_FIELDS)[number];

export const everflowSettingsSchema = z.object({
  /** The affiliate's key (My Account → API), sent only in the X-Eflow-API-Key header. */
  apiKey: z
    .string()
    .trim()
    .min(1)
    // Anything else cannot travel in an HTTP header, and would fail every call.
    .regex(/^[\x21-\x7e]+$/, 'must be the API key as Everflow shows it (printable characters, no spaces)'),
  region: z.enum(['global', 'eu']).default('global'),
  /** Overrides the region's host (a proxy, or a test server). */
  baseUrl: httpUrlSchema.nullable().default(null),
  /** Where the click id travels in the tracking link; `sub1` is the usual choice. */
  clickIdField: z.enum(EVERFLOW_SUB_FIELDS).default('sub1'),
  /** Everflow's default is 50 and its maximum 2000. */
  pageSize: z.number().int().min(1).max(2000).default(500),
});
export type EverflowSettingsInput = z.input<typeof everflowSettingsSchema>;
export type EverflowSettings = z.output<typeof everflowSettingsSchema>;
