/**
 * The postback log: every inbound postback (and pixel and upload row), accepted or not, with a reason
 * a person can act on. An event stream kept by the EventStore; the conversion commit settles the
 * outcome it records. Times are unix ms.
 */
export interface PostbackLogEntry {
  receivedAt: number;
  method: string;
  sourceIp: string;
  /** The query as received, contact data masked. */
  query: string;
  outcome: PostbackOutcome;
  reason: string;
  clickId: string | null;
  offerSourceId: number | null;
  conversionId: number | null;
}
export const POSTBACK_OUTCOMES = ['accepted', 'duplicate', 'ignored', 'rejected'] as const;
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number];

export interface PostbackLogFilter {
  outcome?: PostbackOutcome | undefined;
  clickId?: string | undefined;
  offerSourceId?: number | undefined;
  /** Receipt time, unix ms, inclusive. */
  from?: number | undefined;
  /** Receipt time, unix ms, exclusive. */
  to?: number | undefined;
}

/** One page of the log: newest first (by id); `beforeId` continues after the previous page's last row. */
export type PostbackLogQuery = { limit: number; beforeId?: number | undefined } & PostbackLogFilter;

export type LoggedPostback = PostbackLogEntry & { id: number };
