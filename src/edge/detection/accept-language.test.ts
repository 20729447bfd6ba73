import { test } from 'node:test';
import assert from 'node:assert/strict';
import { primaryLanguage } from './accept-language.js';

test('the first language of a typical header, lowercased', () => {
  assert.equal(primaryLanguage('en-US,en;q=0.9'), 'en');
  assert.equal(primaryLanguage('pt-BR,pt;q=0.9,en-US;q=0.8'), 'pt');
  assert.equal(primaryLanguage('DE'), 'de');
  assert.equal(primaryLanguage('zh_CN'), 'zh');
});

test('the highest weight wins, not the order', () => {
  assert.equal(primaryLanguage('fr;q=0.5, es;q=0.8, de;q=0.7'), 'es');
});

test('wildcards, three-letter codes and refused languages are skipped', () => {
  assert.equal(primaryLanguage('*'), '');
  assert.equal(primaryLanguage('fil, en;q=0.5'), 'en');
  assert.equal(primaryLanguage('en;q=0, ru;q=0.3'), 'ru');
});

test('absent or empty gives an empty string', () => {
  assert.equal(primaryLanguage(undefined), '');
  assert.equal(primaryLanguage(''), '');
  assert.equal(primaryLanguage(' ; ,'), '');
});
