import type { Micros } from './money.js';

/**
 * Splits a cost over `count` clicks in whole micro-units so the parts add up to the total exactly:
 * everyone gets the floor of the share and the first `remainder` clicks one micro-unit more.
 */
export function splitCost(total: Micros, count: number): Micros[] {
  if (count <= 0) return [];
  const share = Math.floor(total / count);
  const remainder = total - share * count;
  return Array.from({ length: count }, (_, i) => share + (i < remainder ? 1 : 0));
}
