import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { nameSchema } from '../../domain/entity.js';
import { INTEGRATION_KINDS, INTEGRATION_RUN_KINDS, INTEGRATION_RUN_STATES, INTEGRATION_RUN_TRIGGERS, INTEGRATION_STATUSES, type Integration, type IntegrationRun, type IntegrationStatus } from '../../domain/integration.js';
import { maskCredential, openCredentials } from '../../integrations/integration-credentials.js';
import {
  changeIntegration,
  createIntegration,
  deleteIntegration,
  disableIntegration,
  enableIntegration,
  getIntegration,
  listIntegrationRuns,
  testIntegrationConnection,
  type IntegrationDeps,
  type NewIntegrationRequest,
} from '../../integrations/manage-integrations.js';
import { startOfferImport } from '../../integrations/import-offers.js';
import { CurrencyConverter } from '../../conversions/currency-rates.js';
import { startConversionPull } from '../../integrations/pull-conversions.js';
import { CONVERSION_STATUSES } from '../../domain/conversion-status.js';
import { formatMoney } from '../../domain/money.js';
import type { PulledConversionRecord } from '../../store/entity-store.js';
import { cursorId, cursorKind, cursorPageSchema, pageLimitSchema } from '../cursor-page.js';
import { allIntegrationPartners, integrationPartnerDefinition, type IntegrationPartnerDefinition } from '../../integrations/partner-registry.js';
import type { CredentialCipher } from '../../security/credential-cipher.js';
import { createOutboundUrlGuard } from '../../security/outbound-url-guard.js';
import { errorResponses } from '../error-schema.js';
import { idParamsSchema } from '../list-query.js';
import { optionalId } from '../resources/entity-meta-schema.js';
import { CHANNEL_CAPABILITIES } from '../../integrations/channel-connector.js';
import { conversionPath, iso, security, type AdminRouteDeps } from './route-deps.js';

const tags = ['integrations'];

/** One body per partner, told apart by `partner`, so the document shows each partner's settings and credentials. */
function createBodyOption(partner: IntegrationPartnerDefinition) {
  return z
    .object({
      partner: z.literal(partner.key).describe(partner.label),
      kind: z.literal(partner.kind).default(partner.kind as never),
      name: nameSchema,
      ...(partner.kind === 'offer_source' && { offerSourceId: z.number().int().positive().describe('the offer source whose offers it imports and whose conversions it pulls') }),
      ...(partner.kind === 'traffic_channel' && { trafficChannelId: z.number().int().positive().describe('the traffic channel whose API this is (one integration per channel)') }),
      settings: partner.settingsSchema,
      credentials: partner.credentialsSchema.describe('stored encrypted with the secret key; never shown again'),
      status: z.enum(['active', 'disabled']).default('active'),
    })
    .strict();
}

const partnerOptions = allIntegrationPartners().map(createBodyOption);
const createBodySchema = z.discriminatedUnion('partner', partnerOptions as [ReturnType<typeof createBodyOption>, ...ReturnType<typeof createBodyOption>[]]);

const patchBodySchema = z
  .object({
    name: nameSchema.optional(),
    offerSourceId: z.number().int().positive().optional(),
    trafficChannelId: z.number().int().positive().optional(),
    settings: z.looseObject({}).optional().describe("fields of the partner's settings to change; fields left out keep their value"),
    credentials: z.looseObject({}).optional().describe('credential fields to replace; fields left out keep their stored value'),
  })
  .strict();

const timeSchema = z.string().nullable();

const integrationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(INTEGRATION_KINDS),
    partner: z.string(),
    name: z.string(),
    offerSourceId: z.number().int().nullable(),
    trafficChannelId: z.number().int().nullable().describe("a traffic channel's API integration: its channel"),
    capabilities: z.array(z.enum(CHANNEL_CAPABILITIES)).nullable().describe("a traffic channel's API: what it can do (the rest is Waypost's own action only); null for an offer source's"),
    settings: z.record(z.string(), z.unknown()).describe("the partner's settings, defaults filled in"),
    credentials: z.record(z.string(), z.string().nullable()).describe('each credential field: masked when set (its last 4 characters at most), null when not; never shown in clear'),
    credentialsReadable: z.boolean().describe('false when the stored credentials no longer open with the secret key (it was replaced); set them again with PATCH'),
    status: z.enum(INTEGRATION_STATUSES).describe('active; disabled (nothing runs); error (the last call to the partner failed: see lastError)'),
    lastError: z.object({ message: z.string(), at: z.string() }).nullable().describe("the last failure talking to the partner, in the partner's words where it gave some"),
    connection: z.object({
      state: z.enum(['untested', 'connected', 'failed']).describe('what the last connection test found'),
      checkedAt: timeSchema,
      message: z.string().nullable(),
      connectedAt: timeSchema.describe('the last successful connection test'),
      offersVisible: z.number().int().nullable().describe('offers the partner showed at that test'),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Integration' });

export const runSchema = z
  .object({
    id: z.number().int(),
    integrationId: z.number().int(),
    kind: z.enum(INTEGRATION_RUN_KINDS),
    trigger: z.enum(INTEGRATION_RUN_TRIGGERS),
    state: z.enum(INTEGRATION_RUN_STATES).describe('running (its counts grow as it goes), succeeded or failed'),
    startedAt: z.string(),
    finishedAt: timeSchema,
    offersFetched: z.number().int(),
    offersCreated: z.number().int(),
    offersUpdated: z.number().int(),
    offersSkipped: z.number().int(),
    conversionsPulled: z.number().int(),
    costsSynced: z.number().int().describe("a channel's cost sync: campaign days whose cost it wrote"),
    errors: z.array(z.string()),
    skips: z.array(z.object({ externalId: z.string().nullable(), reason: z.string() })).describe("each skipped record: the partner's id and why"),
  })
  .meta({ id: 'IntegrationRun' });

const testConnectionSchema = z.object({
  ok: z.boolean(),
  message: z.string().describe("what the partner showed, or its error message as it gave it"),
  offersVisible: z.number().int().nullable(),
  retryable: z.boolean().nullable().describe('for a failure: whether trying later may succeed (rate limit, timeout) rather than needing a change'),
  integration: integrationSchema,
});

const statusListSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const statuses = value.split(',').map((s) => s.trim());
    const unknown = statuses.find((s) => !(INTEGRATION_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown status "${unknown}"; use ${INTEGRATION_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return statuses as IntegrationStatus[];
  })
  .describe('comma-separated statuses to include; default all');

const listQuerySchema = z.object({
  partner: z.string().max(64).optional(),
  kind: z.enum(INTEGRATION_KINDS).optional(),
  status: statusListSchema,
  offerSourceId: optionalId,
  trafficChannelId: optionalId,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

function presentIntegration(integration: Integration, cipher: CredentialCipher): z.input<typeof integrationSchema> {
  const { connection } = integration;
  const stored = openCredentials(cipher, integration.sealedCredentials);
  const partner = integrationPartnerDefinition(integration.partner);
  const fields = partner?.credentialFields ?? Object.keys(stored ?? {});
  const credentials = Object.fromEntries(
    fields.map((field) => {
      // Unreadable credentials are still set; only their last characters are unknown.
      const value = stored ? stored[field] : '';
      return [field, value === undefined || value === null ? null : maskCredential(value)];
    }),
  );
  return {
    id: integration.id,
    kind: integration.kind,
    partner: integration.partner,
    name: integration.name,
    offerSourceId: integration.offerSourceId,
    trafficChannelId: integration.trafficChannelId,
    capabilities: partner?.kind === 'traffic_channel' ? [...partner.capabilities] : null,
    settings: integration.settings,
    credentials,
    credentialsReadable: stored !== undefined,
    status: integration.status,
    lastError: integration.lastError && { message: integration.lastError.message, at: iso(integration.lastError.at) },
    connection: {
      state: connection.ok === null ? 'untested' : connection.ok ? 'connected' : 'failed',
      checkedAt: connection.checkedAt === null ? null : iso(connection.checkedAt),
      message: connection.message,
      connectedAt: connection.connectedAt === null ? null : iso(connection.connectedAt),
      offersVisible: connection.offersVisible,
    },
    createdAt: iso(integration.createdAt),
    updatedAt: iso(integration.updatedAt),
  };
}

const pulledCursor = cursorKind(
  'pulled-conversions',
  (record: PulledConversionRecord) => [record.id],
  ([id]) => cursorId(id),
);

const pulledConversionSchema = z
  .object({
    id: z.number().int(),
    externalId: z.string().describe("the partner's id of the conversion"),
    status: z.enum(CONVERSION_STATUSES).describe("the partner's status in Waypost's words"),
    partnerStatus: z.string().nullable().describe("the partner's own status name"),
    payout: z.number().describe('as the partner sent it, in currency'),
    currency: z.string().nullable().describe("null when the partner did not say (the offer's or offer source's currency applies)"),
    convertedAt: z.string(),
    offerExternalId: z.string().nullable().describe("the partner's offer id"),
    transactionId: z.string().nullable(),
    clickIdCandidates: z.array(z.object({ source: z.string(), value: z.string() })).describe('where the partner may carry the click id (TUNE: Stat.ad_id, then the message-id field), in the order tried'),
    matched: z.boolean(),
    clickId: z.string().nullable(),
    conversionId: z.number().int().nullable().describe('the conversion it became, or the postback-made one it was linked to'),
    unmatchedReason: z.string().nullable().describe('why no click matched yet; later pulls try again'),
    firstSeenAt: z.string(),
    lastSeenAt: z.string().describe('when the partner last sent it'),
  })
  .meta({ id: 'PulledConversion' });

function presentPulledConversion(record: PulledConversionRecord): z.input<typeof pulledConversionSchema> {
  const { integrationId: _integrationId, ...rest } = record;
  return {
    ...rest,
    payout: formatMoney(record.payout),
    convertedAt: iso(record.convertedAt),
    matched: record.conversionId !== null,
    firstSeenAt: iso(record.firstSeenAt),
    lastSeenAt: iso(record.lastSeenAt),
  };
}

const runQuerySchema = z.object({ wait: z.enum(['true', 'false']).default('false').transform((value) => value === 'true').describe('answer once the run has finished') });

export function presentRun(run: IntegrationRun): z.input<typeof runSchema> {
  return { ...run, startedAt: iso(run.startedAt), finishedAt: run.finishedAt === null ? null : iso(run.finishedAt) };
}

/**
 * Integrations: Waypost's accounts at partners (TUNE/HasOffers now), with settings checked by the
 * partner's schema, credentials sealed with the secret key, a real connection test, enable/disable,
 * and each integration's run log.
 */
export function integrationRoutes(app: FastifyInstance, { config, store, cipher, conversions }: AdminRouteDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const deps: IntegrationDeps = { store, cipher, guard: createOutboundUrlGuard({ allowHosts: config.outbound.allowHosts }) };
  // Imports need the stored rates only, which any role has; the conversion path's converter when this process has one.
  const currency = conversions?.currency ?? new CurrencyConverter(store, config.accountCurrency);
  const present = (integration: Integration) => presentIntegration(integration, cipher);
  // Runs (imports, pulls) started here go on past their request; closing the server waits for them so none is cut off mid-write.
  const imports = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...imports]);
  });
  /** A run started by a request: 202 with it as started, or with `wait` 200 once it has finished. */
  const answerRun = async ({ run, done }: { run: IntegrationRun; done: Promise<IntegrationRun> }, wait: boolean, reply: FastifyReply) => {
    const tracked = done.finally(() => imports.delete(tracked));
    imports.add(tracked);
    if (wait) return reply.status(200).send(presentRun(await done));
    return reply.status(202).send(presentRun(run));
  };

  routes.get('/integrations', {
    schema: { tags, security, summary: 'List integrations, newest first', querystring: listQuerySchema, response: { 200: page(integrationSchema), ...errorResponses } },
    handler: async (request) => {
      const { partner, kind, status, offerSourceId, trafficChannelId, limit, offset } = request.query;
      const found = await store.integrations.list({ partner, kind, statuses: status, offerSourceId, trafficChannelId, limit, offset });
      return { items: found.items.map(present), total: found.total, limit, offset };
    },
  });

  routes.post('/integrations', {
    schema: {
      tags,
      security,
      summary: 'Create an integration',
      description: `Partners: ${allIntegrationPartners().map((p) => `\`${p.key}\` (${p.label}, ${p.kind})`).join(', ')}. Settings are checked by the partner's schema; credentials are stored encrypted and shown only masked.`,
      body: createBodySchema,
      response: { 201: integrationSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.status(201).send(present(await createIntegration(deps, request.body as NewIntegrationRequest))),
  });

  routes.get('/integrations/:id', {
    schema: { tags, security, summary: 'Get an integration', params: idParamsSchema, response: { 200: integrationSchema, ...errorResponses } },
    handler: async (request) => present(await getIntegration(deps, request.params.id)),
  });

  routes.patch('/integrations/:id', {
    schema: {
      tags,
      security,
      summary: 'Change an integration',
      description: 'Settings and credentials are merged over the stored ones and checked whole. Partner and kind cannot change; status changes through enable and disable.',
      params: idParamsSchema,
      body: patchBodySchema,
      response: { 200: integrationSchema, ...errorResponses },
    },
    handler: async (request) => present(await changeIntegration(deps, request.params.id, request.body)),
  });

  routes.delete('/integrations/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete an integration',
      description:
        'Deletes the integration with its stored credentials and run log; it cannot be enabled again (create a new one instead). The offers it imported are kept, with their external ids, and no longer belong to any integration.',
      params: idParamsSchema,
      response: { 204: z.null().describe('deleted'), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteIntegration(deps, request.params.id);
      return reply.status(204).send(null);
    },
  });

  routes.post('/integrations/:id/test-connection', {
    schema: {
      tags,
      security,
      summary: 'Test the connection with one real call to the partner',
      description: "Answers what the partner showed (offers visible) or its error message. Success marks the integration connected (and ends an `error` status); failure records the message as its last error and sets status `error` unless it is disabled.",
      params: idParamsSchema,
      response: { 200: testConnectionSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { check, integration } = await testIntegrationConnection(deps, request.params.id);
      return {
        ok: check.ok,
        message: check.message,
        offersVisible: check.ok ? check.offersVisible : null,
        retryable: check.ok ? null : check.retryable,
        integration: present(integration),
      };
    },
  });

  routes.post('/integrations/:id/refresh', {
    schema: {
      tags,
      security,
      summary: "Import the integration's offers now (manual refresh)",
      description:
        "Starts an offer import: the partner's offers, page by page, through the integration's import filters and settings, written in one transaction (a refresh failing midway changes no offer). Answers 202 with the run (`running`; follow it in the run log), or with `wait=true` 200 with the finished run. 409 while a run of the integration is under way, or when it is disabled.",
      params: idParamsSchema,
      querystring: runQuerySchema,
      response: { 200: runSchema, 202: runSchema, ...errorResponses },
    },
    handler: async (request, reply) => answerRun(await startOfferImport({ ...deps, currency }, request.params.id, 'manual'), request.query.wait, reply),
  });

  routes.post('/integrations/:id/pull-conversions', {
    schema: {
      tags,
      security,
      summary: "Pull the integration's conversions from the partner now",
      description:
        "Starts a conversion pull: the partner's conversions of the last `settings.pull.lookbackDays` days, each matched to its click by the click id candidates in order (TUNE: `Stat.ad_id`, then the message-id field). A conversion a postback already recorded for the click and offer source is linked, not counted twice; a later pull moves its status and payout with the partner's. Unmatched ones are kept with the reason (see pulled-conversions) and tried again by later pulls. Answers 202 with the run (`running`; follow it in the run log), or with `wait=true` 200 with the finished run. 409 while a run of the integration is under way, when it is disabled or has no offer source.",
      params: idParamsSchema,
      querystring: runQuerySchema,
      response: { 200: runSchema, 202: runSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const path = conversionPath({ config, store, cipher, conversions });
      return answerRun(await startConversionPull({ ...deps, events: path.events, currency: path.currency, offerCaps: path.caps }, request.params.id, 'manual'), request.query.wait, reply);
    },
  });

  routes.get('/integrations/:id/pulled-conversions', {
    schema: {
      tags,
      security,
      summary: "Conversions pulled from the partner, newest first, with the reason for each unmatched one (paged by cursor)",
      params: idParamsSchema,
      querystring: z.object({
        matched: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')).describe('only matched (true) or unmatched (false) ones; default both'),
        limit: pageLimitSchema,
        cursor: pulledCursor.query,
      }),
      response: { 200: cursorPageSchema(pulledConversionSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { matched, limit, cursor } = request.query;
      await getIntegration(deps, request.params.id);
      const records = await store.pulledConversions.list({ integrationId: request.params.id, matched, beforeId: cursor, limit: limit + 1 });
      return pulledCursor.page(records, limit, presentPulledConversion);
    },
  });

  routes.post('/integrations/:id/enable', {
    schema: { tags, security, summary: 'Enable an integration (status active)', params: idParamsSchema, response: { 200: integrationSchema, ...errorResponses } },
    handler: async (request) => present(await enableIntegration(deps, request.params.id)),
  });

  routes.post('/integrations/:id/disable', {
    schema: { tags, security, summary: 'Disable an integration: nothing runs for it until enabled', params: idParamsSchema, response: { 200: integrationSchema, ...errorResponses } },
    handler: async (request) => present(await disableIntegration(deps, request.params.id)),
  });

  routes.get('/integrations/:id/runs', {
    schema: {
      tags,
      security,
      summary: "An integration's run log, newest first: offers fetched, created, updated and skipped (each with its reason), conversions pulled, errors",
      params: idParamsSchema,
      querystring: pageQuerySchema,
      response: { 200: page(runSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, offset } = request.query;
      const found = await listIntegrationRuns(deps, request.params.id, { limit, offset });
      return { items: found.items.map(presentRun), total: found.total, limit, offset };
    },
  });
}
