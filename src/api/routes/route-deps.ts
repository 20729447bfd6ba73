import type { Config } from '../../config.js';
import type { ConversionDeps } from '../../conversions/record-postback.js';
import type { CredentialCipher } from '../../security/credential-cipher.js';
import type { EntityStore } from '../../store/entity-store.js';
import type { EventStore } from '../../store/event-store.js';
import { ApiError } from '../api-error.js';

/** What the admin routes beyond plain entities need: the conversion path and the clicks, when this process has them. */
export interface AdminRouteDeps {
  config: Config;
  store: EntityStore;
  /** The edge runtime's conversion path (absent in a process without the edge role). */
  conversions?: ConversionDeps | undefined;
  /** Seals and opens partners' credentials (integrations). */
  cipher: CredentialCipher;
}

/** The conversion path, or a 503 that says why it is missing. */
export function conversionPath(deps: AdminRouteDeps): ConversionDeps {
  if (!deps.conversions) throw new ApiError('unavailable', 'this process runs without the edge role, so it has no click store or conversion path; send this request to a process with WAYPOST_ROLES including edge');
  return deps.conversions;
}

export function clickStore(deps: AdminRouteDeps): EventStore {
  return conversionPath(deps).events;
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const security = [{ apiKey: [] }];
