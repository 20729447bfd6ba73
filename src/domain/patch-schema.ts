import { z } from 'zod';

/**
 * The PATCH body of a resource: every field of its create schema, optional and without its default,
 * so a field left out keeps its stored value instead of being reset.
 */
export function patchSchemaOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    // A prefault (an object field whose own fields have defaults, e.g. an offer's caps) would fill a
    // left-out field with those defaults just the same.
    const inner = field instanceof z.ZodDefault || field instanceof z.ZodPrefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    shape[key] = inner.optional();
  }
  return z.object(shape).strict();
}
