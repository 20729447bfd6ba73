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

export interface Database {
  traffic_channels: TrafficChannelTable;
  offer_sources: OfferSourceTable;
  offers: OfferTable;
  landers: LanderTable;
  campaigns: CampaignTable;
  conversion_types: ConversionTypeTable;
  api_keys: ApiKeyTable;
  configuration_version: ConfigurationVersionTable;
}

export type EntityTableName = Exclude<keyof Database, 'api_keys' | 'configuration_version'>;
