import type { UrlParameter } from './import-settings.js';

/** Filled at import time; every other `{macro}` is left for the redirect (or the partner) to fill. */
export interface ImportMacros {
  offerExternalId: string;
  integrationId: number;
}

// Seed 004 writes its macros in double braces; they mean the click id and the partner's offer id.
const SEED_004_ALIASES: Record<string, string> = { '{{messageId}}': '{clickid}', '{{offerId}}': '{offer_external_id}', '{{externalId}}': '{offer_external_id}' };

/**
 * Appends (or replaces) each parameter on the URL. Values are written as given but for the import
 * macros: braces stay unencoded so the redirect still finds `{clickid}` and fills it, URL-encoded.
 */
export function appendUrlParameters(url: string, parameters: readonly UrlParameter[], macros: ImportMacros): string {
  if (parameters.length === 0) return url;
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = base.indexOf('?');
  const path = queryAt === -1 ? base : base.slice(0, queryAt);
  const pairs = queryAt === -1 || queryAt === base.length - 1 ? [] : base.slice(queryAt + 1).split('&');
  for (const { key, value } of parameters) {
    const filled = fillImportMacros(value, macros);
    const pair = `${encodeURIComponent(key)}=${encodeValue(filled)}`;
    const existing = pairs.findIndex((candidate) => decodeKey(candidate) === key);
    if (existing === -1) pairs.push(pair);
    else pairs[existing] = pair;
  }
  return `${path}?${pairs.join('&')}${fragment}`;
}

function fillImportMacros(value: string, macros: ImportMacros): string {
  let text = value;
  for (const [alias, macro] of Object.entries(SEED_004_ALIASES)) text = text.split(alias).join(macro);
  return text.split('{offer_external_id}').join(encodeURIComponent(macros.offerExternalId)).split('{integration_id}').join(String(macros.integrationId));
}

/** Encodes what would break the query (`&`, `#`, spaces …) but keeps `{macro}` braces readable. */
function encodeValue(value: string): string {
  return value
    .split(/(\{[a-z0-9_]+\})/i)
    .map((part, index) => (index % 2 === 1 ? part : encodeURIComponent(part).replace(/%25([0-9A-F]{2})/gi, '%$1')))
    .join('');
}

function decodeKey(pair: string): string {
  const key = pair.split('=')[0]!;
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}
