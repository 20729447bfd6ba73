import { apiKeyPrefix, generateApiKeySecret, hashApiKey, type ApiKey, type ApiKeyRole } from '../domain/api-key.js';
import type { EntityStore } from '../store/entity-store.js';

/** Creates a key and returns its secret, which exists only in this return value from now on. */
export async function createApiKey(store: EntityStore, name: string, role: ApiKeyRole, secret = generateApiKeySecret()): Promise<{ key: ApiKey; secret: string }> {
  const key = await store.apiKeys.create({ name, role, prefix: apiKeyPrefix(secret), hash: hashApiKey(secret), createdAt: new Date().toISOString() });
  return { key, secret };
}

/**
 * Makes sure someone can log in: WAYPOST_ADMIN_KEY is registered when given; otherwise, on a store
 * without keys, one admin key is generated and returned so the caller prints it once.
 */
export async function ensureAdminKey(store: EntityStore, configuredKey: string | undefined): Promise<{ generatedSecret?: string }> {
  if (configuredKey) {
    if (!(await store.apiKeys.findActiveByHash(hashApiKey(configuredKey)))) {
      await createApiKey(store, 'WAYPOST_ADMIN_KEY', 'admin', configuredKey);
    }
    return {};
  }
  if ((await store.apiKeys.countActive()) > 0) return {};
  const { secret } = await createApiKey(store, 'first admin key', 'admin');
  return { generatedSecret: secret };
}
