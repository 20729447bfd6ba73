import { z } from 'zod';

/**
 * Where a template's values come from. Partners document their macros unevenly, so each template says
 * which of its fields were read in a cited source (`verified: true`) and which follow common usage
 * without a source at hand (`verified: false`), instead of presenting a guess as fact.
 */
export const templateSourceSchema = z
  .object({
    covers: z.array(z.string().min(1).max(100)).min(1).describe('the template fields this source backs, e.g. "parameters.ref_id", "postbackUrl"'),
    verified: z.boolean().describe('true: read in the cited source; false: commonly used, check it in the partner dashboard'),
    reference: z.string().min(1).max(500).describe('the document or page the values come from'),
  })
  .strict();
export type TemplateSource = z.output<typeof templateSourceSchema>;

/** Template keys are URL segments and stay stable: contributors add new keys, never rename one. */
export const templateKeySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes, e.g. "zeropark"');
