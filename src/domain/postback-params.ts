/**
 * Reading a postback's parameters. Each of Waypost's parameters has the aliases other trackers use,
 * so a user migrating keeps the URLs already configured in their networks (DESIGN.md §3).
 */
export const POSTBACK_ALIASES = {
  clickid: ['clickid', 'cid', 'subid', 'click_id'],
  sum: ['sum', 'payout', 'revenue', 'amount'],
  type: ['type', 'et', 'event'],
  status: ['status'],
  event_id: ['event_id', 'rdtk_event_id', 'txid', 'tid', 'transaction_id'],
  currency: ['currency'],
  token: ['token'],
} as const;

export type PostbackField = keyof typeof POSTBACK_ALIASES;
export type PostbackValues = { [K in PostbackField]?: string };

/** Flattened parameters of a postback: query and body merged, first value of each name, names lowercased. */
export type RawParams = Record<string, string>;

export function readPostbackValues(params: RawParams): PostbackValues {
  const values: PostbackValues = {};
  for (const field of Object.keys(POSTBACK_ALIASES) as PostbackField[]) {
    for (const alias of POSTBACK_ALIASES[field]) {
      const value = params[alias];
      if (value !== undefined && value.trim() !== '') {
        values[field] = value.trim();
        break;
      }
    }
  }
  return values;
}

// `{payout}`, `${payout}`, `[payout]`, `#payout#`, `%payout%` and their percent-encoded braces: a
// network that forgot to fill a macro sends its name instead of a value.
const UNREPLACED = /^(\{[^{}]+\}|\$\{[^{}]+\}|\[[^[\]]+\]|#[A-Za-z_][\w.]*#|%[A-Za-z_][\w.]*%|%7B.+%7D)$/i;

/** The first parameter whose value is an unreplaced macro, for the log's reason. */
export function findUnreplacedMacro(params: RawParams, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = params[name];
    if (value !== undefined && UNREPLACED.test(value.trim())) return { name, value };
  }
  return undefined;
}

/** Every name a postback parameter may arrive under, for macro checks. */
export const ALL_POSTBACK_NAMES: readonly string[] = Object.values(POSTBACK_ALIASES).flat();
