import type { Campaign } from '../domain/campaign.js';
import type { ChannelParams } from './channel-params.js';

/**
 * A campaign's blocked placements as the hot path tests them: one Set per dimension that has any, so
 * a click costs one lookup per such dimension and nothing for a campaign without blocks.
 */
export interface BlockedPlacements {
  refIds: ReadonlySet<string> | null;
  /** [index into ChannelParams.subs, blocked values]. */
  subs: readonly (readonly [number, ReadonlySet<string>])[];
}

/** null when the campaign blocks nothing. */
export function compileBlockedPlacements(placements: Campaign['blockedPlacements']): BlockedPlacements | null {
  if (placements.length === 0) return null;
  let refIds: Set<string> | null = null;
  const subs = new Map<number, Set<string>>();
  for (const { dimension, value } of placements) {
    if (dimension === 'refId') (refIds ??= new Set()).add(value);
    else {
      const index = Number(dimension.slice(3)) - 1;
      let values = subs.get(index);
      if (!values) subs.set(index, (values = new Set()));
      values.add(value);
    }
  }
  return { refIds, subs: [...subs] };
}

export function isPlacementBlocked(blocked: BlockedPlacements, channel: Pick<ChannelParams, 'refId' | 'subs'>): boolean {
  if (blocked.refIds !== null && channel.refId !== '' && blocked.refIds.has(channel.refId)) return true;
  for (const [index, values] of blocked.subs) {
    const value = channel.subs[index];
    if (value !== undefined && value !== '' && values.has(value)) return true;
  }
  return false;
}
