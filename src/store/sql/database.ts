import type { Generated } from 'kysely';

/**
 * The entity tables as Kysely sees them. Nested structures (funnels, parameter lists, mappings) are
 * JSON text so the same columns serve SQLite and PostgreSQL; money is integer micro-units; times are
 * ISO-8601 UTC strings; booleans are 0/1.
 */

interface EntityColumns {
  id: Generated<number>;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface TrafficChannelTable extends EntityColumns {
  template_key: string | null;
  cost_model: string;
  currency: string;
  postback_url: string | null;
  settings: string;
}

export interface OfferSourceTable extends EntityColumns {
  template_key: string | null;
  default_status: string;
  duplicate_mode: string | null;
  currency: string;
  settings: string;
}

export interface OfferTable extends EntityColumns {
  offer_source_id: number;
  url: string;
  payout_type: string;
  payout_micros: number;
  currency: string;
  external_id: string | null;
  settings: string;
  /** The integration that imported it; null when made by hand or unlinked (migration 0008). */
  integration_id: number | null;
}

export interface LanderTable extends EntityColumns {
  url: string;
  offer_count: number;
  settings: string;
}

export interface CampaignTable extends EntityColumns {
  key: string;
  traffic_channel_id: number;
  cost_model: string;
  cost_value_micros: number;
  redirect_mode: string;
  fallback_url: string | null;
  tracking_domain: string | null;
  time_zone: string;
  uniqueness_window_hours: number;
  funnel: string;
  settings: string;
}

export interface ConversionTypeTable extends EntityColumns {
  duplicate_mode: string | null;
  show_in_journey: number;
  send_to_channel: number;
}

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One row, bumped on every entity write, so edges can tell their snapshot is stale with one read. */
export interface ConfigurationVersionTable {
  id: number;
  version: number;
}

type SubColumns = { [K in `sub${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20}`]: string };

export interface ConversionTable extends SubColumns {
  id: Generated<number>;
  click_id: string;
  converted_at: number;
  click_at: number;
  updated_at: number;
  /** Set when a stored conversion changes; null until then (the report fact copy's change index). */
  changed_at: number | null;
  type: string | null;
  status: string;
  payout_micros: number;
  original_payout_micros: number;
  original_currency: string;
  event_id: string | null;
  duplicate_status: string;
  dedupe_key: string | null;
  origin: string;
  postback_count: number;
  campaign_id: number;
  traffic_channel_id: number;
  offer_source_id: number | null;
  offer_id: number | null;
  lander_id: number | null;
  rule_index: number;
  path_index: number;
  ref_id: string;
  country: string;
  region: string;
  city: string;
  isp: string;
  device_type: string;
  os: string;
  browser: string;
  is_bot: number;
  params: string;
  personal_data: string;
}

export interface CurrencyRateTable {
  currency: string;
  rate_micros: number;
  updated_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  conversion_id: number | null;
  campaign_id: number | null;
  traffic_channel_id: number | null;
  url: string;
  state: string;
  attempts: number;
  /** Unix ms; null once the row is settled (sent, failed, blocked). */
  next_attempt_at: number | null;
  last_error: string | null;
  claim_token: string | null;
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface OutboxAttemptTable {
  id: Generated<number>;
  outbox_id: number;
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

/** Unix ms times; settings and run details are JSON text; credentials are one sealed string. */
export interface IntegrationTable {
  id: Generated<number>;
  kind: string;
  partner: string;
  name: string;
  offer_source_id: number | null;
  /** The traffic channel of a channel's API integration (migration 0011). */
  traffic_channel_id: number | null;
  settings: string;
  credentials: string;
  status: string;
  last_error: string | null;
  last_error_at: number | null;
  checked_at: number | null;
  check_ok: number | null;
  check_message: string | null;
  connected_at: number | null;
  offers_visible: number | null;
  created_at: number;
  updated_at: number;
}

export interface IntegrationRunTable {
  id: Generated<number>;
  integration_id: number;
  kind: string;
  trigger: string;
  state: string;
  started_at: number;
  finished_at: number | null;
  /** Written by the running process every half minute; stale means that process died. */
  heartbeat_at: number;
  offers_fetched: number;
  offers_created: number;
  offers_updated: number;
  offers_skipped: number;
  conversions_pulled: number;
  /** Campaign days whose cost a channel's cost sync wrote (migration 0012). */
  costs_synced: number;
  errors: string;
  skips: string;
}

/** A conversion pulled from a partner's API (migration 0010); candidates are JSON text. */
export interface PulledConversionTable {
  id: Generated<number>;
  integration_id: number;
  external_id: string;
  status: string;
  partner_status: string | null;
  payout_micros: number;
  currency: string | null;
  converted_at: number;
  offer_external_id: string | null;
  transaction_id: string | null;
  click_id_candidates: string;
  click_id: string | null;
  conversion_id: number | null;
  unmatched_reason: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

/** An automated rule (migration 0013): its definition is JSON in `settings`; the rest is the worker's. */
export interface RuleTable extends EntityColumns {
  traffic_channel_id: number;
  settings: string;
  last_evaluated_at: number | null;
  lease_token: string | null;
  lease_until: number | null;
}

/** One evaluation of a rule; the objects with their values and action reports are JSON text. */
export interface RuleRunTable {
  id: Generated<number>;
  rule_id: number;
  trigger: string;
  at: number;
  window_from: number | null;
  window_to: number | null;
  checked: number;
  matched: number;
  state: string;
  error: string | null;
  objects: string;
}

/** Fire-once marks (migration 0014). */
export interface RuleFiredObjectTable {
  rule_id: number;
  object_key: string;
  rule_revision: string;
  fired_at: number;
}

/** Restarts of pause_and_restart waiting for their time (migration 0014). */
export interface RuleRestartTable {
  id: Generated<number>;
  rule_id: number;
  object_key: string;
  campaign_id: number;
  placement_dimension: string | null;
  placement_value: string | null;
  due_at: number;
  created_at: number;
}

export interface Database {
  traffic_channels: TrafficChannelTable;
  offer_sources: OfferSourceTable;
  offers: OfferTable;
  landers: LanderTable;
  campaigns: CampaignTable;
  conversion_types: ConversionTypeTable;
  api_keys: ApiKeyTable;
  configuration_version: ConfigurationVersionTable;
  conversions: ConversionTable;
  currency_rates: CurrencyRateTable;
  outbox: OutboxTable;
  outbox_attempts: OutboxAttemptTable;
  integrations: IntegrationTable;
  integration_runs: IntegrationRunTable;
  rules: RuleTable;
  rule_runs: RuleRunTable;
  rule_fired_objects: RuleFiredObjectTable;
  rule_restarts: RuleRestartTable;
  pulled_conversions: PulledConversionTable;
}

export type EntityTableName = 'traffic_channels' | 'offer_sources' | 'offers' | 'landers' | 'campaigns' | 'conversion_types' | 'rules';
