import type { Click } from '../domain/click.js';
import type { Conversion } from '../domain/conversion.js';
import { buildJourneyReport, byTime, type JourneyReport } from '../domain/journey.js';
import { parseTimeInZone } from '../domain/local-time.js';
import { normalizeClickId } from '../domain/click-id.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';

export interface ClickJourney {
  click: Click;
  /** The click's conversions of journey types, oldest first. */
  steps: Conversion[];
  journeyTypes: string[];
}

/** The names of the conversion types marked "shown in customer journey" (archived ones too: old conversions keep them). */
async function journeyTypes(store: EntityStore): Promise<string[]> {
  return (await store.conversionTypes.all()).filter((type) => type.showInJourney).map((type) => type.name);
}

export async function clickJourney(deps: { store: EntityStore; events: EventStore }, clickId: string): Promise<ClickJourney> {
  const id = normalizeClickId(clickId);
  const click = id === null ? undefined : await deps.events.findClick(id);
  if (!click) throw new UseCaseError('not_found', `click ${clickId.slice(0, 64)} does not exist`, 'clickId');
  const types = await journeyTypes(deps.store);
  const marked = new Set(types);
  const conversions = await deps.store.conversions.listByClick(click.clickId);
  const steps = conversions
    .filter((conversion) => conversion.type !== null && marked.has(conversion.type))
    .sort((a, b) => byTime({ at: a.convertedAt, id: a.id }, { at: b.convertedAt, id: b.id }));
  return { click, steps, journeyTypes: types };
}

export interface JourneyReportQuery {
  from: string;
  to: string;
  timeZone: string;
  campaignId?: number | undefined;
}

/** The aggregate journey of the clicks made in [from, to). */
export async function journeyReport(deps: { store: EntityStore }, query: JourneyReportQuery): Promise<JourneyReport & { from: number; to: number; timeZone: string; campaignId: number | null; journeyTypes: string[] }> {
  const from = parseTimeInZone(query.from, query.timeZone);
  if (from === undefined) throw new UseCaseError('validation_error', `from: "${query.from.slice(0, 40)}" is not a time such as 2026-11-20T00:00 or an ISO instant`, 'from');
  const to = parseTimeInZone(query.to, query.timeZone);
  if (to === undefined) throw new UseCaseError('validation_error', `to: "${query.to.slice(0, 40)}" is not a time such as 2026-11-21T00:00 or an ISO instant`, 'to');
  if (to <= from) throw new UseCaseError('validation_error', 'to: must be after from', 'to');
  if (query.campaignId !== undefined && !(await deps.store.campaigns.get(query.campaignId))) {
    throw new UseCaseError('validation_error', `campaign ${query.campaignId} does not exist`, 'campaignId');
  }
  const types = await journeyTypes(deps.store);
  const events = await deps.store.conversions.journeyEvents({ clickFrom: from, clickTo: to, types, ...(query.campaignId === undefined ? {} : { campaignId: query.campaignId }) });
  return { from, to, timeZone: query.timeZone, campaignId: query.campaignId ?? null, journeyTypes: types, ...buildJourneyReport(events) };
}
