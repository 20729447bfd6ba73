import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ruleInputSchema } from '../../domain/rule.js';
import { RULE_OBJECT_ACTIONS, RULE_OBJECT_OUTCOMES, RULE_RUN_TRIGGERS, type RuleLogObject, type RuleRun } from '../../domain/rule-log.js';
import { dryRunRule, type DryRunObject } from '../../rules/evaluate-rule.js';
import { ruleReportDeps } from '../../rules/rule-report-deps.js';
import { runRuleNow } from '../../rules/run-rule-now.js';
import { createChannelActions } from '../../channels/campaign-channel-actions.js';
import { createOutboundUrlGuard } from '../../security/outbound-url-guard.js';
import { ApiError } from '../api-error.js';
import { channelCallReportSchema } from '../channel-call-report-schema.js';
import { checkRule } from '../resources/rules.js';
import { cursorId, cursorKind, cursorPageSchema, pageLimitSchema } from '../cursor-page.js';
import { entityNames, type EntityNames } from '../entity-names.js';
import { errorResponses } from '../error-schema.js';
import { idParamsSchema } from '../list-query.js';
import { clickStore, iso, security, type AdminRouteDeps } from './route-deps.js';

const tags = ['rule'];

const placementSchema = z.object({ dimension: z.string(), value: z.string() }).nullable().describe('null for a campaign');
const valuesSchema = z.record(z.string(), z.number().nullable()).describe("each condition's metric as reports show it (money in units, ratios in percent); null: no value");

const dryRunObjectSchema = z.object({
  campaignId: z.number().int(),
  campaignName: z.string().nullable(),
  placement: placementSchema,
  values: valuesSchema,
  action: z.enum(RULE_OBJECT_ACTIONS),
  wouldAct: z.boolean().describe('false when fire-once would skip the object'),
  reason: z.string().describe('why: the conditions with their values, or why it would be skipped'),
});

const dryRunSchema = z
  .object({
    at: z.string(),
    window: z.object({ from: z.string(), to: z.string() }),
    timeZone: z.string(),
    checked: z.number().int().describe('objects in scope with traffic in the window'),
    objects: z.array(dryRunObjectSchema).describe('the objects every condition holds for; nothing was done to them'),
  })
  .meta({ id: 'RuleDryRun' });

const logObjectSchema = z.object({
  campaignId: z.number().int(),
  campaignName: z.string().nullable(),
  placement: placementSchema,
  values: valuesSchema,
  action: z.enum(RULE_OBJECT_ACTIONS),
  outcome: z.enum(RULE_OBJECT_OUTCOMES),
  report: z
    .object({ waypost: z.enum(['done', 'unchanged']), channel: channelCallReportSchema })
    .nullable()
    .describe("what Waypost did and what the channel's API answered (or its error after retries); null when the action did not run"),
  webhook: z
    .object({ state: z.enum(['succeeded', 'failed']), attempts: z.number().int(), statusCode: z.number().int().nullable(), response: z.string().optional(), error: z.string().optional() })
    .nullable(),
  reason: z.string().nullable().describe('why it was skipped or failed'),
  restartAt: z.string().nullable().describe('pause_and_restart: when it is resumed'),
});

const ruleRunSchema = z
  .object({
    id: z.number().int(),
    ruleId: z.number().int(),
    trigger: z.enum(RULE_RUN_TRIGGERS).describe('schedule: an evaluation when the rule was due; manual: one run through POST /rules/{id}/run; restart: objects resumed at the end of their pause'),
    at: z.string(),
    window: z.object({ from: z.string(), to: z.string() }).nullable(),
    checked: z.number().int(),
    matched: z.number().int(),
    state: z.enum(['succeeded', 'failed']),
    error: z.string().nullable(),
    objects: z.array(logObjectSchema),
  })
  .meta({ id: 'RuleRun' });

const runCursor = cursorKind(
  'rule-runs',
  (run: RuleRun) => [run.id],
  ([id]) => cursorId(id),
);

const logQuerySchema = z.object({ limit: pageLimitSchema, cursor: runCursor.query });

function presentLogObject(entry: RuleLogObject, names: EntityNames) {
  return { ...entry, campaignName: names.campaign(entry.campaignId), restartAt: entry.restartAt === null ? null : iso(entry.restartAt) };
}

function presentRun(run: RuleRun, names: EntityNames) {
  return {
    id: run.id,
    ruleId: run.ruleId,
    trigger: run.trigger,
    at: iso(run.at),
    window: run.window && { from: iso(run.window.from), to: iso(run.window.to) },
    checked: run.checked,
    matched: run.objects.length,
    state: run.state,
    error: run.error,
    objects: run.objects.map((entry) => presentLogObject(entry, names)),
  };
}

/** `/rules` beyond the resource routes (resources/rules.ts): the dry runs and the rule log. */
export function ruleRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const outboundGuard = createOutboundUrlGuard({ allowHosts: deps.config.outbound.allowHosts });

  const dryRun = async (rule: Parameters<typeof dryRunRule>[1]) => {
    const now = Date.now();
    const result = await dryRunRule({ store: deps.store, report: ruleReportDeps(deps.store, clickStore(deps)) }, rule, now);
    const names = await entityNames(deps);
    return {
      at: iso(now),
      window: { from: iso(result.window.from), to: iso(result.window.to) },
      timeZone: rule.timeZone,
      checked: result.checked,
      objects: result.objects.map((object: DryRunObject) => ({
        campaignId: object.object.campaignId,
        campaignName: names.campaign(object.object.campaignId),
        placement: object.object.placement,
        values: object.values,
        action: object.action,
        wouldAct: object.wouldAct,
        reason: object.reason,
      })),
    };
  };

  routes.post('/rules/dry-run', {
    schema: {
      tags,
      security,
      summary: 'Dry run of an unsaved rule: the objects it would act on now and why; nothing is done or stored',
      body: ruleInputSchema,
      response: { 200: dryRunSchema, ...errorResponses },
    },
    handler: async (request) => {
      await checkRule(request.body, deps.store);
      return dryRun(request.body);
    },
  });

  routes.post('/rules/:id/dry-run', {
    schema: {
      tags,
      security,
      summary: 'Dry run of a saved rule: the objects it would act on now and why (fire-once skips included); nothing is done',
      params: idParamsSchema,
      response: { 200: dryRunSchema, ...errorResponses },
    },
    handler: async (request) => {
      const rule = await deps.store.rules.get(request.params.id);
      if (!rule) throw new ApiError('not_found', `rule ${request.params.id} does not exist`, 'id');
      return dryRun(rule);
    },
  });

  // Manual runs act on channels as the worker's runs do: the same actions, credentials and outbound guard.
  const actions = createChannelActions({ store: deps.store, cipher: deps.cipher, guard: outboundGuard, timeoutMs: 15_000 });
  // Per request, as the dry runs: the click store answers 503 in a process without the edge role.
  const runDeps = () => ({
    store: deps.store,
    report: ruleReportDeps(deps.store, clickStore(deps)),
    actions,
    guard: outboundGuard,
    onRenewalFailed: (error: unknown) => app.log.warn({ err: error }, 'could not renew the lease of a rule run by hand'),
  });

  routes.post('/rules/:id/run', {
    schema: {
      tags,
      security,
      summary:
        'Runs a saved rule now, whatever its schedule, and acts on what matches, as its scheduled runs do (a paused rule too: how a rule is tried once before it is switched on). Answers the run as its log keeps it (trigger manual); the next scheduled run comes a check interval later. 409 while another evaluation of the rule is under way, or for an archived rule.',
      params: idParamsSchema,
      response: { 200: ruleRunSchema, ...errorResponses },
    },
    handler: async (request) => {
      const rule = await deps.store.rules.get(request.params.id);
      if (!rule) throw new ApiError('not_found', `rule ${request.params.id} does not exist`, 'id');
      const outcome = await runRuleNow(runDeps(), rule);
      if (outcome.state === 'archived') throw new ApiError('conflict', `rule ${rule.id} is archived: restore it before running it`, 'id');
      if (outcome.state === 'held') throw new ApiError('conflict', `rule ${rule.id} is being evaluated right now; its run is in its log once done`, 'id');
      return presentRun(outcome.run, await entityNames(deps));
    },
  });

  routes.get('/rules/:id/log', {
    schema: {
      tags,
      security,
      summary: "The rule's log: each evaluation with the objects matched, their values, the action taken and the channel's answer; newest first, paged by cursor",
      params: idParamsSchema,
      querystring: logQuerySchema,
      response: { 200: cursorPageSchema(ruleRunSchema), ...errorResponses },
    },
    handler: async (request) => {
      const rule = await deps.store.rules.get(request.params.id);
      if (!rule) throw new ApiError('not_found', `rule ${request.params.id} does not exist`, 'id');
      const { limit, cursor } = request.query;
      const runs = await deps.store.ruleLog.list(rule.id, { limit: limit + 1, beforeId: cursor });
      const names = await entityNames(deps);
      return runCursor.page(runs, limit, (run) => presentRun(run, names));
    },
  });
}
