import { z } from 'zod';

/** The error body every admin API failure uses, for the OpenAPI document. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
} as const;
