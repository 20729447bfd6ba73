import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendUrlParameters } from './append-url-parameters.js';

const macros = { offerExternalId: 'a b', integrationId: 7 };

test('appends after an existing query, keeping click macros in braces for the redirect', () => {
  assert.equal(appendUrlParameters('https://n.example/aff_c?offer_id=1', [{ key: 'aff_sub', value: '{clickid}' }], macros), 'https://n.example/aff_c?offer_id=1&aff_sub={clickid}');
  assert.equal(appendUrlParameters('https://n.example/c', [{ key: 's', value: '{sub1}-{clickid}' }], macros), 'https://n.example/c?s={sub1}-{clickid}');
});

test('a parameter the URL already has is replaced, not repeated; the fragment stays last', () => {
  assert.equal(appendUrlParameters('https://n.example/c?aff_sub=old&x=1#top', [{ key: 'aff_sub', value: '{clickid}' }], macros), 'https://n.example/c?aff_sub={clickid}&x=1#top');
});

test('import macros are filled and encoded; characters that would break the query are encoded', () => {
  assert.equal(
    appendUrlParameters('https://n.example/c', [{ key: 'o', value: '{offer_external_id}' }, { key: 'i', value: '{integration_id}' }, { key: 'm', value: '{{messageId}}' }, { key: 'q', value: 'a&b c' }], macros),
    'https://n.example/c?o=a%20b&i=7&m={clickid}&q=a%26b%20c',
  );
});
