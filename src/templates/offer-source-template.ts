import { z } from 'zod';
import { patchSchemaOf } from '../domain/patch-schema.js';
import { nameSchema } from '../domain/entity.js';
import { offerSourceInputSchema, renderOfferSourcePostbackUrl } from '../domain/offer-source.js';
import { compileUrlTemplate, SAMPLE_MACRO_VALUES, renderUrl } from '../edge/macros.js';
import { templateKeySchema, templateSourceSchema } from './template-source.js';
import { fillPartnerTokens, tokenProblem, tokenSyntaxSchema } from './token-syntax.js';

/**
 * An offer source template (`templates/offer-sources/*.json`): the network's tokens that fill
 * Waypost's postback parameters (`clickid={aff_sub}&sum={payout}`), how it names statuses, and the
 * parameter of its tracking link that must carry Waypost's `{clickid}` so the postback can return it.
 */

/** The offer source fields a template may set: every input field but the ones each entity owns. */
const offerSourceTemplateFieldsSchema = patchSchemaOf(
  offerSourceInputSchema.omit({ name: true, templateKey: true, status: true, postbackToken: true, ipAllowlist: true }),
);

export const offerUrlHintSchema = z
  .object({
    parameter: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/).describe("the network tracking link's parameter that carries Waypost's click id"),
    example: z.string().min(1).max(2000).describe('a tracking link with {clickid} in place; CAPITALS mark the account-specific parts'),
  })
  .strict();

export const offerSourceTemplateShape = {
  key: templateKeySchema,
  name: nameSchema,
  description: z.string().max(500).optional(),
  tokenSyntax: tokenSyntaxSchema.describe('how the network writes its own tokens in the postback URL'),
  fields: offerSourceTemplateFieldsSchema.describe('the offer source fields the template fills'),
  offerUrl: offerUrlHintSchema.describe("how an offer's URL passes Waypost's click id to the network"),
  notes: z.array(z.string().min(1).max(500)).default([]),
  sources: z.array(templateSourceSchema).min(1),
};

// A sample click id the network would send back, to check the ready postback URL end to end.
const SAMPLE_CLICK_ID = String(SAMPLE_MACRO_VALUES.clickid);

export const offerSourceTemplateSchema = z
  .object(offerSourceTemplateShape)
  .strict()
  .superRefine((template, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const entity = offerSourceInputSchema.safeParse({ name: template.name, templateKey: template.key, ...template.fields });
    for (const found of entity.error?.issues ?? []) issue(['fields', ...found.path.map(String)], found.message);
    if (!entity.success) return;

    const { postbackMacros, additionalParameters, statusMapping } = entity.data;
    for (const [param, macro] of Object.entries(postbackMacros)) {
      const problem = macro === undefined ? null : tokenProblem(macro, template.tokenSyntax);
      if (problem) issue(['fields', 'postbackMacros', param], problem);
    }
    additionalParameters.forEach((extra, index) => {
      const problem = tokenProblem(extra.macro, template.tokenSyntax);
      if (problem) issue(['fields', 'additionalParameters', index, 'macro'], problem);
    });
    if (Object.keys(statusMapping).length && !postbackMacros.status) {
      issue(['fields', 'statusMapping'], 'a status mapping needs postbackMacros.status, the token that carries the status');
    }

    // The ready postback URL, filled the way the network fills it, must parse and return the click id.
    const ready = renderOfferSourcePostbackUrl('https://track.example', { ...entity.data, postbackToken: null });
    const sent = fillPartnerTokens(ready, template.tokenSyntax, (token) => (token === postbackMacros.clickid ? SAMPLE_CLICK_ID : 'sample'));
    const parsed = parseUrl(sent);
    if (!parsed) issue(['fields', 'postbackMacros'], `the postback URL does not parse once the network fills it: ${sent}`);
    else if (parsed.searchParams.get('clickid') !== SAMPLE_CLICK_ID) issue(['fields', 'postbackMacros', 'clickid'], `the filled postback URL does not return the click id: ${sent}`);

    // The offer URL hint: Waypost's own macros only, {clickid} in the named parameter.
    const offerTemplate = compileUrlTemplate(template.offerUrl.example);
    if (offerTemplate.unknown.length) issue(['offerUrl', 'example'], `unknown Waypost macros ${offerTemplate.unknown.join(', ')}`);
    const offerUrl = parseUrl(renderUrl(offerTemplate, SAMPLE_MACRO_VALUES));
    if (!offerUrl) issue(['offerUrl', 'example'], 'does not parse once the macros are filled');
    else if (offerUrl.searchParams.get(template.offerUrl.parameter) !== SAMPLE_CLICK_ID) {
      issue(['offerUrl', 'example'], `must pass {clickid} in its ${template.offerUrl.parameter} parameter`);
    }
  });

export type OfferSourceTemplate = z.output<typeof offerSourceTemplateSchema>;

function parseUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}
