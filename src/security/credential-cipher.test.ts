import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createCredentialCipher } from './credential-cipher.js';

test('a sealed credential opens with the same key and hides the plain text', () => {
  const cipher = createCredentialCipher(randomBytes(32));
  const sealed = cipher.encrypt('network-token-123');
  assert.ok(!sealed.includes('network-token-123'));
  assert.notEqual(sealed, cipher.encrypt('network-token-123'), 'each seal uses a fresh IV');
  assert.equal(cipher.decrypt(sealed), 'network-token-123');
});

test('a credential sealed with another key or tampered with is refused', () => {
  const sealed = createCredentialCipher(randomBytes(32)).encrypt('secret');
  assert.throws(() => createCredentialCipher(randomBytes(32)).decrypt(sealed));
  const cipher = createCredentialCipher(randomBytes(32));
  const good = cipher.encrypt('secret');
  const parts = good.split('.');
  parts[3] = Buffer.from('tampered').toString('base64url');
  assert.throws(() => cipher.decrypt(parts.join('.')));
  assert.throws(() => cipher.decrypt('plain text'), /not a sealed credential/);
});
