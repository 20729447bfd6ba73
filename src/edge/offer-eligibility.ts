import type { LanderEligibility, OfferEligibility } from '../domain/funnel-evaluation.js';
import type { Offer } from '../domain/offer.js';
import { TimeWindow } from '../domain/time-targeting.js';
import type { ConfigurationSnapshot } from './configuration-snapshot.js';
import type { OfferCaps } from './offer-caps.js';

/** Compiled once per time-targeting object; a new snapshot brings new objects and the old ones go. */
const windows = new WeakMap<NonNullable<Offer['timeTargeting']>, TimeWindow>();

/**
 * An offer may receive a visitor when it is active, targets the visitor's country (if it targets any),
 * is inside its time targeting (if it has one) and is under its caps — unless its over-delivery says
 * to stay active past them (the excess conversions then meet its spillover setting).
 */
export function offerEligibility(snapshot: ConfigurationSnapshot, caps: OfferCaps, now: number): OfferEligibility {
  return (offerId, facts) => {
    const edgeOffer = snapshot.offers.get(offerId);
    if (!edgeOffer || edgeOffer.offer.status !== 'active') return false;
    const { offer } = edgeOffer;
    const { countries } = offer;
    if (countries.length && !countries.includes(String(facts.country ?? '').toUpperCase())) return false;
    if (offer.timeTargeting !== null && !isInTimeWindow(offer.timeTargeting, now)) return false;
    return offer.caps.overDelivery === 'stay_active' || !caps.isCapped(offer, now);
  };
}

export function isInTimeWindow(targeting: NonNullable<Offer['timeTargeting']>, now: number): boolean {
  let window = windows.get(targeting);
  if (!window) windows.set(targeting, (window = new TimeWindow(targeting)));
  return window.isOpen(now);
}

export function landerEligibility(snapshot: ConfigurationSnapshot): LanderEligibility {
  return (landerId) => snapshot.landers.get(landerId)?.lander.status === 'active';
}
