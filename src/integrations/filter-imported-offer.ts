import { formatMoney, type Micros } from '../domain/money.js';
import type { ImportedOffer } from './connector.js';
import { micros, type ImportSettings } from './import-settings.js';

/**
 * Why an offer the partner sent is not imported under the integration's filters (seed 001's
 * "Filters" and "View offers"), or null when it passes. Reasons go to the run log as they are.
 */
export function filterImportedOffer(offer: ImportedOffer, settings: ImportSettings): string | null {
  const { filters } = settings;
  if (settings.offerIds.length > 0 && !settings.offerIds.includes(offer.externalId)) return 'not among the selected offers';
  if (filters.skipWithoutPreviewUrl && !offer.previewUrl) return 'no preview URL';

  // An offer sent without countries runs everywhere, so an allow list does not exclude it.
  if (filters.countryLogic === 'allow' && offer.countries.length > 0 && !offer.countries.some((country) => filters.countries.includes(country))) {
    return `targets ${offer.countries.join(', ')}, none of the allowed countries`;
  }
  if (filters.countryLogic === 'block') {
    const blocked = offer.countries.filter((country) => filters.countries.includes(country));
    if (blocked.length > 0) return `targets blocked ${blocked.length > 1 ? 'countries' : 'country'} ${blocked.join(', ')}`;
  }

  if (filters.models.length > 0 && !filters.models.includes(offer.payout.model)) {
    return `payout model ${offer.payout.model.toUpperCase()} is not imported (${filters.models.map((model) => model.toUpperCase()).join(', ')})`;
  }

  if (filters.os !== 'all') {
    const systems = operatingSystemsOf(offer);
    if (systems.size > 0 && !systems.has(filters.os)) return `for ${[...systems].join(', ')}, not ${filters.os}`;
  }

  const geo = filters.geo.find((filter) => offer.countries.includes(filter.country));
  const range = geo ?? filters;
  const scope = geo ? ` for ${geo.country}` : '';
  const amount = offer.payout.amount;
  if (range.minPayout !== null) {
    if (amount === null) return `no fixed payout to hold against the minimum${scope}`;
    if (amount < micros(range.minPayout)) return `payout ${money(amount)} is below the minimum${scope} ${range.minPayout}`;
  }
  if (range.maxPayout !== null && amount !== null && amount > micros(range.maxPayout)) return `payout ${money(amount)} is above the maximum${scope} ${range.maxPayout}`;
  return null;
}

/**
 * The operating systems an offer is for, as far as it shows: an app-store preview link or the OS named
 * in its name or categories. Empty when it does not say (a web offer), which no OS filter excludes.
 */
export function operatingSystemsOf(offer: ImportedOffer): Set<'android' | 'ios'> {
  const systems = new Set<'android' | 'ios'>();
  const host = offer.previewUrl ? safeHost(offer.previewUrl) : '';
  if (host === 'play.google.com') systems.add('android');
  if (host === 'apps.apple.com' || host === 'itunes.apple.com') systems.add('ios');
  const words = [offer.name, ...offer.categories].join(' ');
  if (/\bandroid\b/i.test(words)) systems.add('android');
  if (/\b(ios|iphone|ipad)\b/i.test(words)) systems.add('ios');
  return systems;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

function money(micros: Micros): string {
  return String(formatMoney(micros));
}
