import type { LanderEligibility, OfferEligibility } from '../domain/funnel-evaluation.js';
import type { ConfigurationSnapshot } from './configuration-snapshot.js';
import type { OfferCaps } from './offer-caps.js';

/** An offer may receive a visitor when it is active, targets the visitor's country (if it targets any) and is under its caps. */
export function offerEligibility(snapshot: ConfigurationSnapshot, caps: OfferCaps, now: number): OfferEligibility {
  return (offerId, facts) => {
    const edgeOffer = snapshot.offers.get(offerId);
    if (!edgeOffer || edgeOffer.offer.status !== 'active') return false;
    const { countries } = edgeOffer.offer;
    if (countries.length && !countries.includes(String(facts.country ?? '').toUpperCase())) return false;
    return !caps.isCapped(edgeOffer.offer, now);
  };
}

export function landerEligibility(snapshot: ConfigurationSnapshot): LanderEligibility {
  return (landerId) => snapshot.landers.get(landerId)?.lander.status === 'active';
}
