import { z } from 'zod';
import { nameSchema } from '../domain/entity.js';
import { ApiError } from './api-error.js';

/**
 * Creating an entity `fromTemplate`: the template's fields are filled in before the body is
 * validated, so the entity's own schema (and its defaults for what neither gives) still decides.
 * A field given in the body replaces the template's field whole: a body `parameters` list replaces
 * the template's list rather than merging with it, so what the user sent is exactly what is kept.
 */

interface EntityTemplate {
  key: string;
  name: string;
  fields: Record<string, unknown>;
}

/** The create body: the entity's input plus `fromTemplate`; `name` may come from the template. */
export function createSchemaWithTemplate<T extends z.ZodRawShape>(inputSchema: z.ZodObject<T>, catalogue: string) {
  return inputSchema
    .extend({
      name: nameSchema.optional().describe('required unless fromTemplate gives it'),
      fromTemplate: z
        .string()
        .optional()
        .describe(`key of a template from GET /api/v1/templates/${catalogue}: fills every field the template defines; fields given in the body win`),
    })
    .superRefine((body, ctx) => {
      if ((body as { name?: string }).name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required (or create fromTemplate)' });
    });
}

/** The body with the named template's fields under the fields it gives; unchanged without `fromTemplate`. */
export function fillFromTemplate(
  body: Record<string, unknown>,
  templates: ReadonlyMap<string, EntityTemplate>,
  catalogue: string,
): Record<string, unknown> {
  if (body.fromTemplate === undefined) return body;
  const { fromTemplate: key, ...given } = body;
  if (typeof key !== 'string') throw new ApiError('validation_error', 'fromTemplate: must be a template key such as "zeropark"', 'fromTemplate');
  const template = templates.get(key);
  if (!template) {
    throw new ApiError('validation_error', `fromTemplate: there is no template "${key}"; GET /api/v1/templates/${catalogue} lists them`, 'fromTemplate');
  }
  // A copy, so an entity never shares (and never mutates) the catalogue's arrays and objects.
  return { name: template.name, templateKey: template.key, ...structuredClone(template.fields), ...given };
}
