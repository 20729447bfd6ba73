import { z } from 'zod';
import { ENTITY_STATUSES } from '../domain/entity.js';

/** Paging and filtering shared by every resource list. */
export const listQuerySchema = z.object({
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const statuses = value.split(',').map((s) => s.trim());
      const unknown = statuses.find((s) => !(ENTITY_STATUSES as readonly string[]).includes(s));
      if (unknown !== undefined) {
        ctx.addIssue({ code: 'custom', message: `unknown status "${unknown}"; use ${ENTITY_STATUSES.join(', ')}` });
        return z.NEVER;
      }
      return statuses as (typeof ENTITY_STATUSES)[number][];
    })
    .describe('comma-separated statuses to include; default active,paused'),
  search: z.string().max(200).optional().describe('case-insensitive part of the name'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const idParamsSchema = z.object({ id: z.coerce.number().int().positive() });
