import type { CredentialCipher } from '../security/credential-cipher.js';

/** An integration's credential fields, sealed together as one JSON object. */
export type Credentials = Record<string, string>;

export function sealCredentials(cipher: CredentialCipher, credentials: Credentials): string {
  return cipher.encrypt(JSON.stringify(credentials));
}

/** undefined when the stored text does not open with this key (the secret key was replaced). */
export function openCredentials(cipher: CredentialCipher, sealed: string): Credentials | undefined {
  try {
    const parsed: unknown = JSON.parse(cipher.decrypt(sealed));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the API shows of a credential: that it is set, and its last four characters when it is long
 * enough for those to give nothing useful away, so a user can tell which key is stored.
 */
export function maskCredential(value: string): string {
  return value.length >= 16 ? `••••${value.slice(-4)}` : '••••';
}
