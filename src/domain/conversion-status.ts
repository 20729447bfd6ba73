import { z } from 'zod';

/** The four conversion statuses, lowercase as postbacks send them. */
export const CONVERSION_STATUSES = ['approved', 'pending', 'declined', 'other'] as const;
export const conversionStatusSchema = z.enum(CONVERSION_STATUSES);
export type ConversionStatus = z.infer<typeof conversionStatusSchema>;
