import type { Click } from '../domain/click.js';
import { normalizeClickId } from '../domain/click-id.js';
import type { Conversion } from '../domain/conversion.js';
import { UseCaseError } from '../domain/use-case-error.js';
import type { EntityStore, OutboxAttempt, OutboxEntry } from '../store/entity-store.js';
import type { EventStore } from '../store/event-store.js';

// A click has a handful of conversions and postbacks; this only bounds a pathological one.
const MAX_OUTGOING = 1000;

export interface ClickDetail {
  click: Click;
  /** Every conversion of the click, of every type, oldest first. */
  conversions: Conversion[];
  /** What was sent (or is waiting, failed, blocked) to the traffic channel for those conversions, oldest first. */
  outgoingPostbacks: { entry: OutboxEntry; attempts: OutboxAttempt[] }[];
}

/** A click and what followed it: the lander's click-through (on the click), its conversions, its channel postbacks. */
export async function clickDetail(deps: { store: EntityStore; events: EventStore }, clickId: string): Promise<ClickDetail> {
  const id = normalizeClickId(clickId);
  if (id === null) throw new UseCaseError('validation_error', 'clickId: is not a Waypost click id (29 characters of 0-9 and a-z)', 'clickId');
  const click = await deps.events.findClick(id);
  if (!click) throw new UseCaseError('not_found', `click ${id} does not exist`, 'clickId');
  const conversions = await deps.store.conversions.listByClick(id);
  const outgoing = await deps.store.outbox.list({ conversionIds: conversions.map((conversion) => conversion.id), limit: MAX_OUTGOING, offset: 0 });
  const entries = outgoing.items.reverse();
  const attempts = await deps.store.outbox.attempts(entries.map((entry) => entry.id));
  return { click, conversions, outgoingPostbacks: entries.map((entry) => ({ entry, attempts: attempts.get(entry.id) ?? [] })) };
}
