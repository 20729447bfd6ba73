/**
 * The customer journey (seed 002): a click, then the conversions of the types marked "shown in
 * customer journey", in time order. The aggregate counts how many clicks reached each type, the
 * orders in which they did, and the median time between consecutive steps.
 */

export interface JourneyEvent {
  clickId: string;
  clickAt: number;
  /** A conversion type's name (case-sensitive). */
  type: string;
  at: number;
  /** Breaks ties between events of the same millisecond: the order they were recorded in. */
  id: number;
}

export interface JourneyReport {
  /** Clicks with at least one journey event. */
  clicks: number;
  /** Per type: how many clicks reached it, most reached first. */
  types: { type: string; clicks: number }[];
  /** Per observed order of types (each type at its first occurrence): how many clicks took it. */
  paths: { steps: string[]; clicks: number }[];
  /** Per consecutive pair of steps; `from: null` is the click itself. */
  transitions: { from: string | null; to: string; clicks: number; medianSeconds: number }[];
}

/** Events ordered in time; a type reached twice counts at its first occurrence. */
export function firstOccurrences<T extends Pick<JourneyEvent, 'type' | 'at' | 'id'>>(events: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...events].sort(byTime).filter((event) => !seen.has(event.type) && seen.add(event.type));
}

export function byTime(a: Pick<JourneyEvent, 'at' | 'id'>, b: Pick<JourneyEvent, 'at' | 'id'>): number {
  return a.at - b.at || a.id - b.id;
}

export function buildJourneyReport(events: readonly JourneyEvent[]): JourneyReport {
  const byClick = new Map<string, JourneyEvent[]>();
  for (const event of events) {
    const list = byClick.get(event.clickId);
    if (list) list.push(event);
    else byClick.set(event.clickId, [event]);
  }

  const typeClicks = new Map<string, number>();
  const paths = new Map<string, { steps: string[]; clicks: number }>();
  const transitions = new Map<string, { from: string | null; to: string; durations: number[] }>();
  for (const clickEvents of byClick.values()) {
    const steps = firstOccurrences(clickEvents);
    const pathKey = JSON.stringify(steps.map((step) => step.type));
    const path = paths.get(pathKey);
    if (path) path.clicks += 1;
    else paths.set(pathKey, { steps: steps.map((step) => step.type), clicks: 1 });

    let from: string | null = null;
    let fromAt = steps[0]!.clickAt;
    for (const step of steps) {
      typeClicks.set(step.type, (typeClicks.get(step.type) ?? 0) + 1);
      const key = JSON.stringify([from, step.type]);
      let transition = transitions.get(key);
      if (!transition) transitions.set(key, (transition = { from, to: step.type, durations: [] }));
      transition.durations.push(Math.max(0, step.at - fromAt));
      from = step.type;
      fromAt = step.at;
    }
  }

  const mostFirst = <T extends { clicks: number }>(a: T, b: T) => b.clicks - a.clicks;
  return {
    clicks: byClick.size,
    types: [...typeClicks].map(([type, clicks]) => ({ type, clicks })).sort((a, b) => mostFirst(a, b) || a.type.localeCompare(b.type)),
    paths: [...paths.values()].sort((a, b) => mostFirst(a, b) || a.steps.join('\u0000').localeCompare(b.steps.join('\u0000'))),
    transitions: [...transitions.values()]
      .map(({ from, to, durations }) => ({ from, to, clicks: durations.length, medianSeconds: median(durations) / 1000 }))
      .sort((a, b) => mostFirst(a, b) || (a.from ?? '').localeCompare(b.from ?? '') || a.to.localeCompare(b.to)),
  };
}

/** The middle value (the mean of the two middle ones for an even count), in whole milliseconds. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
