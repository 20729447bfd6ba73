import { z } from 'zod';
import { patchSchemaOf } from '../domain/patch-schema.js';
import { CHANNEL_POSTBACK_MACROS, renderChannelPostbackUrl } from '../domain/channel-postback.js';
import { nameSchema } from '../domain/entity.js';
import { trafficChannelInputSchema } from '../domain/traffic-channel.js';
import { SAMPLE_MACRO_VALUES } from '../edge/macros.js';
import { templateKeySchema, templateSourceSchema } from './template-source.js';
import { tokenProblem, tokenSyntaxSchema } from './token-syntax.js';

/**
 * A traffic channel template (`templates/traffic-channels/*.json`): the channel's fields as a user
 * would type them — click URL parameters carrying the channel's tokens (`ref_id=${SUBID}`), its cost
 * token, the S2S postback URL — plus the values each campaign must supply before that postback can
 * be sent (ExoClick's `goal`), which the postback renderer reports while they are missing.
 */

/** The channel fields a template may set: every input field but the ones each entity owns. */
const channelTemplateFieldsSchema = patchSchemaOf(trafficChannelInputSchema.omit({ name: true, templateKey: true, status: true }));

const CHANNEL_POSTBACK_MACRO_SET = new Set<string>(CHANNEL_POSTBACK_MACROS);

export const campaignValueSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
    label: z.string().min(1).max(300).describe('what the value is and where the user finds it in the channel'),
    required: z.boolean().default(true).describe('false: the postback works without it'),
  })
  .strict();

export const channelTemplateShape = {
  key: templateKeySchema,
  name: nameSchema,
  description: z.string().max(500).optional(),
  tokenSyntax: tokenSyntaxSchema.describe("how the channel writes its own tokens in the click URL"),
  fields: channelTemplateFieldsSchema.describe('the traffic channel fields the template fills'),
  campaignValues: z
    .array(campaignValueSchema)
    .default([])
    .describe("values of the postback URL each campaign supplies in its postbackValues (ExoClick's goal)"),
  notes: z.array(z.string().min(1).max(500)).default([]),
  sources: z.array(templateSourceSchema).min(1),
};

/** The file format, with the checks that tie its parts together. */
export const channelTemplateSchema = z
  .object(channelTemplateShape)
  .strict()
  .superRefine((template, ctx) => {
    const entity = trafficChannelInputSchema.safeParse({ name: template.name, templateKey: template.key, ...template.fields });
    for (const issue of entity.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['fields', ...issue.path.map(String)], message: issue.message });
    if (!entity.success) return;

    const { parameters, postbackUrl } = entity.data;
    parameters.forEach((parameter, index) => {
      const problem = tokenProblem(parameter.macro, template.tokenSyntax);
      if (problem) ctx.addIssue({ code: 'custom', path: ['fields', 'parameters', index, 'macro'], message: problem });
    });

    if (!postbackUrl) {
      if (template.campaignValues.length) ctx.addIssue({ code: 'custom', path: ['campaignValues'], message: 'campaign values need a postback URL that uses them' });
      return;
    }
    for (const problem of channelPostbackProblems(postbackUrl, template.campaignValues, parameters.map((parameter) => parameter.key))) {
      ctx.addIssue({ code: 'custom', path: ['fields', 'postbackUrl'], message: problem });
    }
  });

export type ChannelTemplate = z.output<typeof channelTemplateSchema>;
export type CampaignValue = z.output<typeof campaignValueSchema>;

/**
 * What is wrong with a template's postback URL: a `{macro}` that is neither a channel postback macro
 * nor a declared campaign value, a campaign value the renderer does not ask for when it is missing,
 * a `{ref_id}` no click URL parameter captures, or a URL that does not parse once filled.
 */
export function channelPostbackProblems(postbackUrl: string, campaignValues: readonly CampaignValue[], parameterKeys: readonly string[]): string[] {
  const problems: string[] = [];
  const declared = new Set(campaignValues.map((value) => value.name.toLowerCase()));
  for (const [, name] of postbackUrl.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)) {
    const lower = name!.toLowerCase();
    if (!CHANNEL_POSTBACK_MACRO_SET.has(lower) && !declared.has(lower)) {
      problems.push(`{${name}} is neither a channel postback macro (${CHANNEL_POSTBACK_MACROS.join(', ')}) nor a declared campaign value`);
    }
  }
  if (/\{ref_id\}/i.test(postbackUrl) && !parameterKeys.includes('ref_id')) {
    problems.push('the postback sends {ref_id} but no click URL parameter captures ref_id');
  }

  const filled = renderChannelPostbackUrl(postbackUrl, SAMPLE_MACRO_VALUES, Object.fromEntries(campaignValues.map((value) => [value.name, `sample-${value.name}`])));
  for (const problem of filled.problems) problems.push(`with every campaign value set: ${problem}`);

  const bare = renderChannelPostbackUrl(postbackUrl, SAMPLE_MACRO_VALUES, {});
  for (const value of campaignValues) {
    const asked = bare.problems.some((problem) => problem.toLowerCase().includes(value.name.toLowerCase()));
    if (value.required && !asked) problems.push(`campaign value ${value.name} is required, but the postback URL neither has {${value.name}} nor ${value.name}=REPLACE`);
    if (!value.required && asked) problems.push(`campaign value ${value.name} is optional, but the postback is blocked without it`);
  }
  if (!campaignValues.some((value) => value.required) && bare.problems.length) {
    problems.push(`the postback is blocked although no campaign value is required: ${bare.problems.join('; ')}`);
  }
  return problems;
}
