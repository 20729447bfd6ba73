/**
 * Tonic's advertiser API (Tonic as a traffic channel), the one place its host and paths are written.
 * Only `POST /auth` (email and password → a token valid about 6 hours, sent in an `api-key` header) and
 * the campaign object's fields were read in Tonic's documentation (reference §4.2, [V]). The host and
 * the paths and verbs of the campaign, edit and statistics endpoints were not retrieved ([U]): when
 * Tonic's real ones differ, change them here and nowhere else (the fake server in
 * test/fakes/tonic-advertiser-server.ts serves these same paths).
 */
export const TONIC_ADVERTISER_API = {
  /** [U] The API host; an integration may override it with `settings.baseUrl`. */
  baseUrl: 'https://api.advertiser.tonic.com',
  /** [V] `{"email", "password"}` → `{"token": "…"}`. */
  auth: { method: 'POST', path: '/auth' },
  /** [U] The account's campaigns (compact objects: `campaignId`, `name`, `status`). */
  listCampaigns: { method: 'GET', path: '/campaigns' },
  /** [U] One campaign (detailed object: `campaign_id`, `status`, `whitelisting`, `source_ids`, …). */
  getCampaign: { method: 'GET', path: '/campaigns/{id}' },
  /** [U] Edits the fields sent (`status`, `source_ids`, `whitelisting`), keeping the others. */
  editCampaign: { method: 'PUT', path: '/campaigns/{id}' },
  /** [U] Statistics per campaign and day: `?from=YYYY-MM-DD&to=YYYY-MM-DD`, numbers as strings. */
  statistics: { method: 'GET', path: '/campaigns/statistics' },
} as const;

export type TonicEndpoint = Exclude<(typeof TONIC_ADVERTISER_API)[keyof typeof TONIC_ADVERTISER_API], string>;

/** An endpoint's path with its `{id}` filled (URL-encoded). */
export function tonicPath(endpoint: TonicEndpoint, id?: string): string {
  return id === undefined ? endpoint.path : endpoint.path.replace('{id}', encodeURIComponent(id));
}
