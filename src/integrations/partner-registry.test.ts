import { test } from 'node:test';
import assert from 'node:assert/strict';
import { templateCatalogue } from '../templates/template-catalogue.js';
import { PARTNERS, partnerDefinition } from './partner-registry.js';

test('every partner splits its settings schema into plain settings and sealed credentials, nothing lost or shared', () => {
  for (const partner of Object.values(PARTNERS)) {
    const all = Object.keys(partner.schema.shape).sort();
    const settings = Object.keys(partner.settingsSchema.shape);
    const credentials = Object.keys(partner.credentialsSchema.shape);
    assert.deepEqual(credentials.sort(), [...partner.credentialFields].sort(), partner.key);
    assert.deepEqual([...settings, ...credentials].sort(), all, partner.key);
    assert.ok(partner.credentialFields.length > 0, `${partner.key} has no credential to protect`);
  }
});

test('an offer-source partner has the offer-source template of the same key', () => {
  const templates = templateCatalogue().offerSources;
  for (const partner of Object.values(PARTNERS).filter((p) => p.kind === 'offer_source')) {
    assert.ok(templates.has(partner.key), `no offer-source template "${partner.key}"`);
  }
});

test('partner lookup does not reach inherited object keys', () => {
  assert.equal(partnerDefinition('tune')?.label, 'TUNE/HasOffers');
  assert.equal(partnerDefinition('constructor'), undefined);
  assert.equal(partnerDefinition('__proto__'), undefined);
});
