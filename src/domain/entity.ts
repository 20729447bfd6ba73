import { z } from 'zod';

/** What every stored entity carries besides its own fields. */
export interface EntityMeta {
  id: number;
  status: EntityStatus;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

/** Entities are archived, never hard-deleted, because clicks and conversions refer to them. */
export const ENTITY_STATUSES = ['active', 'paused', 'archived'] as const;
export type EntityStatus = (typeof ENTITY_STATUSES)[number];

/** The status a user may set; `archived` is reached through DELETE so archive stays one code path. */
export const settableStatusSchema = z.enum(['active', 'paused']);

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);

export const httpUrlSchema = z
  .string()
  .trim()
  .max(4096)
  .refine((value) => {
    try {
      // Macros such as {clickid} may stand anywhere in the URL; braces are legal once parsed.
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

export const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');
