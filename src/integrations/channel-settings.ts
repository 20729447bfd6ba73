import { z } from 'zod';
import { PLACEMENT_DIMENSIONS, type PlacementDimension } from '../domain/campaign.js';
import { timeZoneSchema } from '../domain/entity.js';

/**
 * What every traffic channel's integration holds besides its connector's own settings: the channel's
 * time zone (its days, for spend), which click dimension carries the placement id its API blocks,
 * and the cost sync. The connector never reads these.
 */
export function channelSettingsShape(defaultPlacementDimension: PlacementDimension) {
  return {
    timeZone: timeZoneSchema.default('UTC').describe("the time zone the channel's statistics use: spend per day is written for that zone's whole days"),
    placementDimension: z
      .enum(PLACEMENT_DIMENSIONS)
      .default(defaultPlacementDimension)
      .describe("the click dimension that carries the channel's placement id (its source id, zone or site): blocking a placement of that dimension blocks it on the channel too"),
    costSync: z.boolean().default(true).describe("pull spend per campaign and day from the channel's API into campaign costs, on the schedule"),
    costSyncDays: z.number().int().min(1).max(31).default(3).describe('days of spend pulled at each sync, today included: the channel may still correct the last ones'),
  };
}

export interface ChannelSettings {
  timeZone: string;
  placementDimension: PlacementDimension;
  costSync: boolean;
  costSyncDays: number;
}

/** A channel integration's stored settings, read the way they were validated on save. */
export function readChannelSettings(settings: Record<string, unknown>): ChannelSettings {
  return z.object(channelSettingsShape('sub1')).parse(settings) as ChannelSettings;
}
