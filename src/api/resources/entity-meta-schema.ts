import { z } from 'zod';
import { ENTITY_STATUSES } from '../../domain/entity.js';

/** Fields every entity response carries. */
export const entityMetaShape = {
  id: z.number().int(),
  status: z.enum(ENTITY_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
};

export const optionalId = z.coerce.number().int().positive().optional();
