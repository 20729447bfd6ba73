import { createHash, randomBytes } from 'node:crypto';

/**
 * Admin API keys. Only a SHA-256 hash is stored: keys are 256-bit random strings, so a fast hash is
 * as safe as a slow one and keeps the auth check cheap. The prefix lets a user tell keys apart.
 */
export const API_KEY_ROLES = ['admin', 'read'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface NewApiKey {
  name: string;
  prefix: string;
  hash: string;
  role: ApiKeyRole;
  createdAt: string;
}

export interface ApiKey extends NewApiKey {
  id: number;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function generateApiKeySecret(): string {
  return `wp_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function apiKeyPrefix(secret: string): string {
  return secret.slice(0, 10);
}
