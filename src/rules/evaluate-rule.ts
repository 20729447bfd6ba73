import type { ActionContext, ActionReport, ChannelActions, Placement } from '../channels/channel-actions.js';
import type { Campaign } from '../domain/campaign.js';
import { durationMs, type Rule, type RuleInput } from '../domain/rule.js';
import { checkConditions, describeMatch, type MetricReader } from '../domain/rule-conditions.js';
import { ruleObjectKey, type NewRuleRun, type RuleLogObject, type RuleObject, type RuleObjectAction, type RuleRun, type RuleRunTrigger } from '../domain/rule-log.js';
import type { ReportMetricName } from '../domain/report-metrics.js';
import { presentMetrics } from '../reports/present-report.js';
import { runReport, type ReportDeps } from '../reports/run-report.js';
import type { OutboundUrlGuard } from '../security/outbound-url-guard.js';
import type { EntityStore } from '../store/entity-store.js';
import type { FactFilter } from '../store/report-facts.js';
import { notifyWebhook, type WebhookOptions } from './notify-webhook.js';

/** A rule's definition, saved or not (a dry run of an unsaved body has no id). */
export type RuleDefinition = Omit<RuleInput, 'status'>;

/** An object the conditions matched, with the values of the conditions' metrics. */
export interface RuleMatch {
  object: RuleObject;
  values: Record<string, number | null>;
}

export interface RuleMatches {
  /** The window the metrics were read over: [now - window, now). */
  window: { from: number; to: number };
  /** Objects (report rows) in scope with traffic in the window. */
  checked: number;
  matches: RuleMatch[];
}

/**
 * The objects of the rule's scope that meet every condition over its window ending at `now`: one
 * report grouped by campaign (and the placement dimension), filtered to the channel and campaigns,
 * read in the rule's time zone. Rows without a placement value (clicks that did not carry the
 * dimension) are no placement and are left out.
 */
export async function findMatches(report: ReportDeps, rule: RuleDefinition, now: number): Promise<RuleMatches> {
  const { scope } = rule;
  const placementDimension = scope.objectLevel === 'placement' ? scope.placementDimension : null;
  const filters: FactFilter[] = [{ dimension: 'trafficChannel', op: 'in', values: [String(scope.trafficChannelId)] }];
  if (scope.campaignIds.length > 0) filters.push({ dimension: 'campaign', op: 'in', values: scope.campaignIds.map(String) });
  const window = { from: now - durationMs(rule.window), to: now };
  const metrics = [...new Set(rule.conditions.map((condition) => condition.metric))] as ReportMetricName[];
  const result = await runReport(report, {
    from: window.from,
    to: window.to,
    timeZone: rule.timeZone,
    groupBy: placementDimension === null ? ['campaign'] : ['campaign', placementDimension],
    filters,
    sort: [],
    limit: null,
    offset: 0,
    metrics,
    conversionTime: 'click',
  });
  const matches: RuleMatch[] = [];
  let checked = 0;
  for (const row of result.rows) {
    const [campaignId, placementValue] = row.key;
    if (typeof campaignId !== 'number') continue;
    if (placementDimension !== null && (typeof placementValue !== 'string' || placementValue === '')) continue;
    checked += 1;
    // The values as the reports show them: money in units of the account currency, ratios in percent.
    const shown = presentMetrics(row.metrics, metrics);
    const read: MetricReader = (condition) => {
      const value = shown[condition.metric];
      if (typeof value === 'number' || value === null || value === undefined) return value ?? null;
      return condition.conversionType !== undefined && Object.hasOwn(value, condition.conversionType) ? value[condition.conversionType]! : 0;
    };
    const verdict = checkConditions(rule.conditions, read);
    if (!verdict.met) continue;
    const placement: Placement | null = placementDimension === null ? null : { dimension: placementDimension, value: placementValue as string };
    matches.push({ object: { campaignId, placement }, values: verdict.values });
  }
  return { window, checked, matches };
}

/** What the rule's action is on one object of its level. */
export function objectAction(rule: RuleDefinition): RuleObjectAction {
  const placement = rule.scope.objectLevel === 'placement';
  switch (rule.action.type) {
    case 'pause':
    case 'pause_and_restart':
      return placement ? 'block_placement' : 'pause_campaign';
    case 'resume':
      return placement ? 'unblock_placement' : 'resume_campaign';
    case 'block_placement':
      return 'block_placement';
    case 'set_offer_weight':
      return 'set_offer_weight';
    case 'notify_webhook':
      return 'notify_webhook';
  }
}

export interface RuleRunDeps {
  store: EntityStore;
  report: ReportDeps;
  actions: ChannelActions;
  guard: OutboundUrlGuard;
  /** Retry timing of webhooks (tests shorten it). */
  webhook?: Omit<WebhookOptions, 'guard'>;
}

/** Calls the channel actions for one object; the restart of pause_and_restart uses it too. */
export function performAction(actions: ChannelActions, action: RuleObjectAction, object: RuleObject, rule: RuleDefinition, context: ActionContext): Promise<ActionReport> {
  const placement = () => {
    if (object.placement === null) throw new Error(`${action} needs a placement`);
    return object.placement;
  };
  switch (action) {
    case 'pause_campaign':
      return actions.pauseCampaign(object.campaignId, context);
    case 'resume_campaign':
      return actions.resumeCampaign(object.campaignId, context);
    case 'block_placement':
      return actions.blockPlacement(object.campaignId, placement(), context);
    case 'unblock_placement':
      return actions.unblockPlacement(object.campaignId, placement(), context);
    case 'set_offer_weight': {
      if (rule.action.type !== 'set_offer_weight') throw new Error('set_offer_weight needs an offer and a weight');
      return actions.setOfferWeight(object.campaignId, rule.action.offerId, rule.action.weight, context);
    }
    case 'notify_webhook':
      throw new Error('a webhook is posted once for the whole run, not per object');
  }
}

/** An action report's outcome for the log: a channel that failed fails the object, whatever Waypost did. */
export function reportOutcome(report: ActionReport): 'done' | 'unchanged' | 'failed' {
  if (report.channel.state === 'failed') return 'failed';
  return report.waypost;
}

/**
 * Evaluates a saved rule at `now` and acts: each matched object gets the action (through
 * ChannelActions, which does Waypost's part and the channel's), or one webhook carries them all.
 * With fireOncePerObject, an object the rule acted on is skipped until the rule is edited (a mark
 * holds the rule's revision, its updatedAt) or the object is resumed (a paused campaign active
 * again, a blocked placement unblocked, or the rule's own restart). pause_and_restart stores each
 * restart it owes. The evaluation is appended to the rule log, failures included, and returned.
 */
export async function evaluateRule(deps: RuleRunDeps, rule: Rule, now: number, trigger: Exclude<RuleRunTrigger, 'restart'> = 'schedule'): Promise<RuleRun> {
  let found: RuleMatches;
  try {
    found = await findMatches(deps.report, rule, now);
  } catch (error) {
    return deps.store.ruleLog.append({ ruleId: rule.id, trigger, at: now, window: { from: now - durationMs(rule.window), to: now }, checked: 0, objects: [], state: 'failed', error: `the report could not be read: ${(error as Error).message}` });
  }
  const action = objectAction(rule);
  const fired = rule.fireOncePerObject ? await deps.store.rules.firedObjects(rule.id) : NO_MARKS;
  const campaignOf = campaignReader(deps.store);

  const objects: RuleLogObject[] = [];
  const toNotify: RuleLogObject[] = [];
  for (const { object, values } of found.matches) {
    const entry: RuleLogObject = { ...object, values, action, outcome: 'skipped', report: null, webhook: null, reason: null, restartAt: null };
    objects.push(entry);
    const campaign = await campaignOf(object.campaignId);
    // Reports keep archived campaigns; nothing can change them any more.
    const skip = campaign?.status === 'archived' ? 'the campaign is archived' : await fireOnceSkip(rule, action, object, fired, campaignOf);
    if (skip !== null) {
      entry.reason = skip;
      continue;
    }
    if (action === 'notify_webhook') {
      toNotify.push(entry);
      continue;
    }
    const context: ActionContext = { actor: `rule:${rule.id}`, reason: `rule "${rule.name}": ${describeMatch(rule.conditions, values)} over the last ${rule.window.amount} ${rule.window.unit}` };
    try {
      entry.report = await performAction(deps.actions, action, object, rule, context);
      entry.outcome = reportOutcome(entry.report);
      if (entry.report.channel.state === 'failed') entry.reason = `the channel failed after ${entry.report.channel.attempts} attempts: ${entry.report.channel.error}`;
    } catch (error) {
      entry.outcome = 'failed';
      entry.reason = (error as Error).message;
    }
    if (rule.action.type === 'pause_and_restart' && entry.report?.waypost === 'done') {
      // Only what this rule paused is restarted: an object someone else paused stays so.
      entry.restartAt = now + durationMs(rule.action.restartAfter);
      await deps.store.ruleRestarts.schedule({ ruleId: rule.id, objectKey: ruleObjectKey(object), campaignId: object.campaignId, placement: object.placement, dueAt: entry.restartAt, createdAt: now });
    }
  }

  if (toNotify.length > 0 && rule.action.type === 'notify_webhook') {
    const names = new Map<number, string | null>();
    for (const entry of toNotify) names.set(entry.campaignId, (await campaignOf(entry.campaignId))?.name ?? null);
    const webhook = await notifyWebhook(rule.action.url, webhookBody(rule, found.window, now, toNotify, names), { guard: deps.guard, ...deps.webhook });
    for (const entry of toNotify) {
      entry.webhook = webhook;
      entry.outcome = webhook.state === 'succeeded' ? 'done' : 'failed';
      if (webhook.state === 'failed') entry.reason = `the webhook failed after ${webhook.attempts} attempts: ${webhook.error}`;
    }
  }

  if (rule.fireOncePerObject) {
    // A failed object is not marked, so the next evaluation tries it again.
    const acted = objects.filter((entry) => entry.outcome === 'done' || entry.outcome === 'unchanged').map(ruleObjectKey);
    await deps.store.rules.markFired(rule.id, acted, rule.updatedAt, now);
  }
  const run: NewRuleRun = {
    ruleId: rule.id,
    trigger,
    at: now,
    window: found.window,
    checked: found.checked,
    objects,
    state: objects.some((entry) => entry.outcome === 'failed') ? 'failed' : 'succeeded',
    error: null,
  };
  return deps.store.ruleLog.append(run);
}

type FiredMarks = ReadonlyMap<string, { revision: string; firedAt: number }>;
const NO_MARKS: FiredMarks = new Map();

/** Campaigns by id, each read once per evaluation. */
function campaignReader(store: EntityStore): (id: number) => Promise<Campaign | undefined> {
  const campaigns = new Map<number, Promise<Campaign | undefined>>();
  return (id) => {
    let campaign = campaigns.get(id);
    if (!campaign) campaigns.set(id, (campaign = store.campaigns.get(id)));
    return campaign;
  };
}

/** Why fire-once holds the rule back from the object, or null when it may act. */
async function fireOnceSkip(rule: Pick<Rule, 'updatedAt'>, action: RuleObjectAction, object: RuleObject, fired: FiredMarks, campaignOf: (id: number) => Promise<Campaign | undefined>): Promise<string | null> {
  const mark = fired.get(ruleObjectKey(object));
  if (!mark || mark.revision !== rule.updatedAt || (await resumedSince(action, object, campaignOf))) return null;
  return `fire once: the rule acted on it at ${new Date(mark.firedAt).toISOString()} and it has not been resumed nor the rule edited since`;
}

/** One object of a dry run: what would be done to it and why (the values that met the conditions). */
export interface DryRunObject extends RuleMatch {
  action: RuleObjectAction;
  /** False when fire-once would skip it; `reason` says why. */
  wouldAct: boolean;
  reason: string;
}

/**
 * What the rule would do at `now`, doing nothing: the matched objects with their values and the
 * action each would get. A saved rule's fire-once marks are consulted (read only), so a dry run
 * shows the objects its next evaluation would skip.
 */
export async function dryRunRule(deps: Pick<RuleRunDeps, 'store' | 'report'>, rule: RuleDefinition & { id?: number; updatedAt?: string }, now: number): Promise<RuleMatches & { objects: DryRunObject[] }> {
  const found = await findMatches(deps.report, rule, now);
  const action = objectAction(rule);
  const fired = rule.fireOncePerObject && rule.id !== undefined ? await deps.store.rules.firedObjects(rule.id) : NO_MARKS;
  const campaignOf = campaignReader(deps.store);
  const objects: DryRunObject[] = [];
  for (const match of found.matches) {
    const archived = (await campaignOf(match.object.campaignId))?.status === 'archived';
    const skip = archived ? 'the campaign is archived' : rule.updatedAt === undefined ? null : await fireOnceSkip({ updatedAt: rule.updatedAt }, action, match.object, fired, campaignOf);
    objects.push({ ...match, action, wouldAct: skip === null, reason: skip ?? describeMatch(rule.conditions, match.values) });
  }
  return { ...found, objects };
}

/**
 * Whether an object a pausing rule acted on has been resumed since (by a person, another rule, or the
 * channel's side): then fire-once lets the rule act again. Other actions have no "resumed" state.
 */
async function resumedSince(action: RuleObjectAction, object: RuleObject, campaignOf: (id: number) => Promise<Campaign | undefined>): Promise<boolean> {
  if (action !== 'pause_campaign' && action !== 'block_placement') return false;
  const campaign = await campaignOf(object.campaignId);
  if (!campaign) return false;
  if (action === 'pause_campaign') return campaign.status === 'active';
  const placement = object.placement!;
  return !campaign.blockedPlacements.some((blocked) => blocked.dimension === placement.dimension && blocked.value === placement.value);
}

/** The webhook's JSON: the rule, the window, and each object with the values that matched. */
function webhookBody(rule: Rule, window: { from: number; to: number }, now: number, objects: RuleLogObject[], names: ReadonlyMap<number, string | null>) {
  return {
    event: 'rule.matched',
    rule: { id: rule.id, name: rule.name, conditions: rule.conditions, window: rule.window },
    evaluatedAt: new Date(now).toISOString(),
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    objects: objects.map((entry) => ({ campaignId: entry.campaignId, campaignName: names.get(entry.campaignId) ?? null, placement: entry.placement, values: entry.values })),
  };
}
