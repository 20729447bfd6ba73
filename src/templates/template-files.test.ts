import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_POSTBACK_MACROS, renderChannelPostbackUrl } from '../domain/channel-postback.js';
import { renderOfferSourcePostbackUrl, offerSourceInputSchema } from '../domain/offer-source.js';
import { trafficChannelInputSchema } from '../domain/traffic-channel.js';
import { compileUrlTemplate, renderUrl, SAMPLE_MACRO_VALUES } from '../edge/macros.js';
import { channelTemplateSchema } from './channel-template.js';
import { offerSourceTemplateSchema } from './offer-source-template.js';
import { loadTemplateCatalogue, parseTemplateFile, TEMPLATES_DIR, TemplateFileError } from './template-catalogue.js';
import { fillPartnerTokens, partnerTokens, tokenProblem } from './token-syntax.js';

const channelFiles = readdirSync(join(TEMPLATES_DIR, 'traffic-channels')).filter((name) => name.endsWith('.json'));
const sourceFiles = readdirSync(join(TEMPLATES_DIR, 'offer-sources')).filter((name) => name.endsWith('.json'));
const sample = (token: string) => `v-${token.replace(/[^A-Za-z0-9]/g, '')}`;

describe('every traffic channel template file', () => {
  for (const file of channelFiles) {
    test(file, () => {
      const template = parseTemplateFile(join(TEMPLATES_DIR, 'traffic-channels', file), channelTemplateSchema);
      const channel = trafficChannelInputSchema.parse({ name: template.name, ...template.fields });

      // Click URL parameters carry the channel's own tokens; filled as the channel fills them, the URL parses.
      for (const parameter of channel.parameters) assert.equal(tokenProblem(parameter.macro, template.tokenSyntax), null, `${parameter.key}=${parameter.macro}`);
      const query = channel.parameters.map((parameter) => `${parameter.key}=${parameter.macro}`).join('&');
      const clicked = new URL(fillPartnerTokens(`https://track.example/c/abc?${query}`, template.tokenSyntax, sample));
      for (const parameter of channel.parameters) {
        assert.equal(clicked.searchParams.get(parameter.key), fillPartnerTokens(parameter.macro, template.tokenSyntax, sample));
      }

      if (!channel.postbackUrl) {
        assert.ok(template.notes.length > 0, 'a channel without S2S postback says why in its notes');
        return;
      }
      // Every {macro} of the postback URL is a Waypost channel postback macro or a declared campaign value.
      const declared = template.campaignValues.map((value) => value.name);
      for (const [, name] of channel.postbackUrl.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
        assert.ok((CHANNEL_POSTBACK_MACROS as readonly string[]).includes(name!) || declared.includes(name!), `{${name}} is known`);
      }
      const values = Object.fromEntries(declared.map((name) => [name, `value-of-${name}`]));
      const filled = renderChannelPostbackUrl(channel.postbackUrl, SAMPLE_MACRO_VALUES, values);
      assert.deepEqual(filled.problems, []);
      const sent = new URL(filled.url);
      assert.ok(sent.protocol === 'https:' || sent.protocol === 'http:');
      assert.ok(filled.url.includes(String(SAMPLE_MACRO_VALUES.ref_id)), 'the postback returns the channel click id');
      for (const name of declared) assert.ok(filled.url.includes(`value-of-${name}`), `campaign value ${name} lands in the URL`);

      // Without the campaign's values, the postback is blocked and names each required one.
      const bare = renderChannelPostbackUrl(channel.postbackUrl, SAMPLE_MACRO_VALUES, {});
      for (const value of template.campaignValues.filter((value) => value.required)) {
        assert.ok(bare.problems.some((problem) => problem.includes(value.name)), `missing ${value.name} is reported: ${bare.problems.join('; ')}`);
      }
    });
  }
});

describe('every offer source template file', () => {
  for (const file of sourceFiles) {
    test(file, () => {
      const template = parseTemplateFile(join(TEMPLATES_DIR, 'offer-sources', file), offerSourceTemplateSchema);
      const source = offerSourceInputSchema.parse({ name: template.name, ...template.fields });
      assert.ok(source.postbackMacros.clickid, 'the network returns the click id');
      const macros = [...Object.values(source.postbackMacros), ...source.additionalParameters.map((extra) => extra.macro)];
      for (const macro of macros) if (macro) assert.equal(tokenProblem(macro, template.tokenSyntax), null, macro);

      // The ready postback URL, filled by the network, parses and brings the click id back to /postback.
      const ready = renderOfferSourcePostbackUrl('https://track.example', source);
      assert.equal(partnerTokens(ready, template.tokenSyntax).length, macros.length);
      const called = new URL(fillPartnerTokens(ready, template.tokenSyntax, (token) => (token === source.postbackMacros.clickid ? 'CLICK' : sample(token))));
      assert.equal(called.pathname, '/postback');
      assert.equal(called.searchParams.get('clickid'), 'CLICK');
      if (source.postbackMacros.status) {
        assert.ok(Object.keys(source.statusMapping).length > 0 || template.notes.length > 0, 'status names are mapped');
      }

      // The offer URL passes Waypost's {clickid}, with Waypost macros only.
      const offer = compileUrlTemplate(template.offerUrl.example);
      assert.deepEqual(offer.unknown, []);
      const offerUrl = new URL(renderUrl(offer, SAMPLE_MACRO_VALUES));
      assert.equal(offerUrl.searchParams.get(template.offerUrl.parameter), SAMPLE_MACRO_VALUES.clickid);
    });
  }
});

test('the catalogue holds the templates issue 6 asks for, each saying where its values come from', () => {
  const catalogue = loadTemplateCatalogue();
  for (const key of ['tonic', 'propellerads', 'zeropark', 'exoclick', 'trafficstars', 'rollerads', 'taboola', 'outbrain', 'mgid', 'facebook', 'google', 'tiktok']) {
    assert.ok(catalogue.trafficChannels.get(key)?.sources.length, `traffic channel ${key}`);
  }
  for (const key of ['cartpanda', 'tune', 'everflow', 'trackier', 'cake', 'clickbank', 'digistore24', 'maxbounty', 'affise']) {
    assert.ok(catalogue.offerSources.get(key)?.sources.length, `offer source ${key}`);
  }
  assert.deepEqual(catalogue.trafficChannels.get('exoclick')?.campaignValues.map((value) => value.name), ['goal']);
});

describe('a broken template is refused with the field that is wrong', () => {
  const exoclick = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'traffic-channels', 'exoclick.json'), 'utf8'));
  const cartpanda = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'offer-sources', 'cartpanda.json'), 'utf8'));
  const issues = (schema: typeof channelTemplateSchema | typeof offerSourceTemplateSchema, json: unknown) =>
    (schema.safeParse(json).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const withFields = (template: any, fields: object) => ({ ...template, fields: { ...template.fields, ...fields } });

  test('a token not in the channel syntax', () => {
    const found = issues(channelTemplateSchema, withFields(exoclick, { parameters: [{ key: 'ref_id', macro: '{conversions_tracking' }] }));
    assert.ok(found.some((issue) => issue.startsWith('fields.parameters.0.macro:')), found.join('\n'));
  });
  test('a postback macro that is neither Waypost macro nor declared campaign value', () => {
    const found = issues(channelTemplateSchema, withFields(exoclick, { postbackUrl: 'http://main.exoclick.com/tag.php?goal={goal}&tag={ref_id}&x={zone}' }));
    assert.ok(found.some((issue) => issue.startsWith('fields.postbackUrl:') && issue.includes('{zone}')), found.join('\n'));
  });
  test('a value each campaign must fill that is not declared', () => {
    const found = issues(channelTemplateSchema, { ...exoclick, campaignValues: [] });
    assert.ok(found.some((issue) => issue.includes('{goal}')), found.join('\n'));
  });
  test('a declared campaign value the postback URL never asks for', () => {
    const found = issues(channelTemplateSchema, { ...exoclick, campaignValues: [...exoclick.campaignValues, { name: 'ap_key', label: 'key' }] });
    assert.ok(found.some((issue) => issue.includes('ap_key')), found.join('\n'));
  });
  test('a postback URL returning {ref_id} without a ref_id parameter', () => {
    const found = issues(channelTemplateSchema, withFields(exoclick, { parameters: [{ key: 'sub1', macro: '{zone_id}' }] }));
    assert.ok(found.some((issue) => issue.includes('captures ref_id')), found.join('\n'));
  });
  test('an unknown field (a typo) in the template fields', () => {
    const found = issues(channelTemplateSchema, withFields(exoclick, { postbackURL: 'https://x.example/' }));
    assert.ok(found.some((issue) => issue.startsWith('fields:')), found.join('\n'));
  });
  test('an offer URL that does not pass {clickid}', () => {
    const found = issues(offerSourceTemplateSchema, { ...cartpanda, offerUrl: { parameter: 'cid', example: 'https://store.example/?cid={click_id}' } });
    assert.ok(found.some((issue) => issue.startsWith('offerUrl.example:')), found.join('\n'));
  });
  test('a status mapping without the token that carries the status', () => {
    const found = issues(offerSourceTemplateSchema, withFields(cartpanda, { statusMapping: { paid: 'approved' } }));
    assert.ok(found.some((issue) => issue.startsWith('fields.statusMapping:')), found.join('\n'));
  });
  test('a file whose key differs from its name stops loading with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waypost-templates-'));
    try {
      mkdirSync(join(dir, 'traffic-channels'));
      mkdirSync(join(dir, 'offer-sources'));
      writeFileSync(join(dir, 'traffic-channels', 'exo.json'), JSON.stringify(exoclick));
      assert.throws(() => loadTemplateCatalogue(dir), (error: unknown) => error instanceof TemplateFileError && /exo\.json: key "exoclick"/.test(error.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
