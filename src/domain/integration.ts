/**
 * An integration: Waypost's account at a partner (an affiliate network now, a traffic channel's API
 * later), with the settings and encrypted credentials its connector needs, and where it stands.
 * Times are unix ms.
 */

/** `offer_source`: imports offers and pulls conversions for one offer source; `traffic_channel`: a traffic channel's API (pause, placements, spend). */
export const INTEGRATION_KINDS = ['offer_source', 'traffic_channel'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** `error`: the last call to the partner failed (see `lastError`); `disabled`: nothing runs until enabled. */
export const INTEGRATION_STATUSES = ['active', 'disabled', 'error'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export interface IntegrationError {
  message: string;
  at: number;
}

/** The last connection test and the last one that succeeded. */
export interface IntegrationConnection {
  checkedAt: number | null;
  ok: boolean | null;
  message: string | null;
  /** The last successful test: the integration counts as connected since then. */
  connectedAt: number | null;
  /** Offers the partner showed at that test. */
  offersVisible: number | null;
}

export interface Integration {
  id: number;
  kind: IntegrationKind;
  /** The partner's key in the connector registry (`tune`, `everflow`, …). */
  partner: string;
  name: string;
  /** The offer source it imports offers into and pulls conversions for (kind `offer_source`). */
  offerSourceId: number | null;
  /** The traffic channel whose API it is (kind `traffic_channel`). */
  trafficChannelId: number | null;
  /** The partner's settings as its schema parsed them, credentials excluded. */
  settings: Record<string, unknown>;
  /** The credential fields as one sealed JSON object; only the server, with the secret key, opens it. */
  sealedCredentials: string;
  status: IntegrationStatus;
  lastError: IntegrationError | null;
  connection: IntegrationConnection;
  createdAt: number;
  updatedAt: number;
}

export type NewIntegration = Omit<Integration, 'id' | 'lastError' | 'connection' | 'createdAt' | 'updatedAt'>;

/** Fields a change may set; absent ones keep their value. */
export type IntegrationChanges = Partial<Pick<Integration, 'name' | 'offerSourceId' | 'trafficChannelId' | 'settings' | 'sealedCredentials' | 'status' | 'lastError' | 'connection'>>;

/** `cost_sync`: a traffic channel's spend per campaign and day written as campaign costs. */
export const INTEGRATION_RUN_KINDS = ['offer_import', 'conversion_pull', 'cost_sync'] as const;
export type IntegrationRunKind = (typeof INTEGRATION_RUN_KINDS)[number];

export const INTEGRATION_RUN_TRIGGERS = ['schedule', 'manual'] as const;
export type IntegrationRunTrigger = (typeof INTEGRATION_RUN_TRIGGERS)[number];

/** `running` while under way (its counts grow as it goes), then `succeeded` or `failed`. */
export const INTEGRATION_RUN_STATES = ['running', 'succeeded', 'failed'] as const;
export type IntegrationRunState = (typeof INTEGRATION_RUN_STATES)[number];

/** What a run has done so far; the whole of it once the run is finished. */
export interface IntegrationRunCounts {
  offersFetched: number;
  offersCreated: number;
  offersUpdated: number;
  offersSkipped: number;
  conversionsPulled: number;
  /** Campaign days whose cost a cost sync wrote. */
  costsSynced: number;
  /** Failures met during the run, in order; a failed run's last one is why it stopped. */
  errors: string[];
  /** Each skipped record with the reason (seed 001's logs: "how many offers were fetched or skipped, with a reason"). */
  skips: { externalId: string | null; reason: string }[];
}

export interface IntegrationRun extends IntegrationRunCounts {
  id: number;
  integrationId: number;
  kind: IntegrationRunKind;
  trigger: IntegrationRunTrigger;
  state: IntegrationRunState;
  startedAt: number;
  finishedAt: number | null;
}

export function emptyRunCounts(): IntegrationRunCounts {
  return { offersFetched: 0, offersCreated: 0, offersUpdated: 0, offersSkipped: 0, conversionsPulled: 0, costsSynced: 0, errors: [], skips: [] };
}
