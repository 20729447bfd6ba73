import { SUB_COUNT } from './click.js';

/**
 * What a report can be grouped and filtered by. Entity dimensions (campaign, offer...) key rows by id;
 * the report adds display names. Time dimensions are read in the report's time zone.
 */
export const TIME_DIMENSIONS = ['date', 'hour', 'dayOfWeek'] as const;
export const ENTITY_DIMENSIONS = ['campaign', 'trafficChannel', 'offerSource', 'offer', 'lander'] as const;
export const SUB_DIMENSIONS = Array.from({ length: SUB_COUNT }, (_, i) => `sub${i + 1}` as `sub${number}`);
export const VISIT_DIMENSIONS = [
  'path',
  'country',
  'region',
  'city',
  'isp',
  'deviceType',
  'brand',
  'model',
  'os',
  'osVersion',
  'browser',
  'browserVersion',
  'language',
  'connectionType',
  'referrerDomain',
  'refId',
  ...SUB_DIMENSIONS,
] as const;
/** Dimensions of the conversion itself: clicks have no value for them (their rows carry null). */
export const CONVERSION_DIMENSIONS = ['conversionType', 'conversionStatus'] as const;

export const REPORT_DIMENSIONS = [...TIME_DIMENSIONS, ...ENTITY_DIMENSIONS, ...VISIT_DIMENSIONS, ...CONVERSION_DIMENSIONS] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export function isReportDimension(name: string): name is ReportDimension {
  return (REPORT_DIMENSIONS as readonly string[]).includes(name);
}

/** At most this many nested groupings (campaign → offer → country). */
export const MAX_GROUP_BY = 3;
