/**
 * `{name}` macros in lander and offer URLs (DESIGN.md §3). A URL is compiled once per configuration
 * snapshot into literal text and macro slots, so filling it for a click is a loop of concatenations.
 * Macro names are case-insensitive (`{ClickId}` is `{clickid}`), as in the trackers users migrate from.
 * An unknown macro is kept verbatim in the output and reported, never silently dropped.
 */

type SubIndex = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;
const SUB_MACROS = Array.from({ length: 20 }, (_, i) => `sub${i + 1}` as `sub${SubIndex}`);

export const MACRO_NAMES = [
  'clickid',
  'campaign_id',
  'campaign_name',
  'offer_id',
  'lander_id',
  'ref_id',
  ...SUB_MACROS,
  'cost',
  'payout',
  'type',
  'status',
  'currency',
  'country',
  'region',
  'city',
  'isp',
  'device',
  'os',
  'browser',
  'ip',
  'user_agent',
  'referrer',
  'timestamp',
] as const;

export type MacroName = (typeof MACRO_NAMES)[number];

/**
 * A click's values. Missing or null values become empty text. Money must already be a decimal
 * amount (formatMoney), `timestamp` unix seconds: macros do no formatting of their own.
 */
export type MacroValues = { readonly [K in MacroName]?: string | number | null };

const KNOWN = new Set<string>(MACRO_NAMES);

export function isKnownMacro(name: string): name is MacroName {
  return KNOWN.has(name.toLowerCase());
}

export interface UrlTemplate {
  readonly source: string;
  /** Text around the macro slots: always one more entry than `macros`. */
  readonly literals: readonly string[];
  readonly macros: readonly MacroName[];
  /** Unknown macros as written (`{foo}`), first occurrence order; they stay in the literals. */
  readonly unknown: readonly string[];
}

// `{name}`, and its percent-encoded form, which URL tools produce when they normalise a path
// (`new URL('https://x/{clickid}')` gives `/%7Bclickid%7D`). The encoded form counts only for
// known names, since it may be literal text.
const TOKEN = /\{([A-Za-z][A-Za-z0-9_]*)\}|%7B([A-Za-z][A-Za-z0-9_]*)%7D/gi;

export function compileUrlTemplate(url: string): UrlTemplate {
  const literals: string[] = [];
  const macros: MacroName[] = [];
  const unknown: string[] = [];
  let text = '';
  let last = 0;
  for (const match of url.matchAll(TOKEN)) {
    const name = (match[1] ?? match[2]!).toLowerCase();
    if (!KNOWN.has(name)) {
      if (match[1] !== undefined && !unknown.includes(match[0])) unknown.push(match[0]);
      continue; // stays in the literal text
    }
    text += url.slice(last, match.index);
    literals.push(text);
    macros.push(name as MacroName);
    text = '';
    last = match.index + match[0].length;
  }
  literals.push(text + url.slice(last));
  return { source: url, literals, macros, unknown };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeValue(value: string | number | null | undefined): string {
  if (value === undefined || value === null) return '';
  const textValue = typeof value === 'string' ? value : String(value);
  try {
    return encodeURIComponent(textValue);
  } catch {
    // A lone surrogate (possible in decoded query text) makes encodeURIComponent throw.
    return encodeURIComponent(textValue.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

/** The URL with every known macro replaced by its URL-encoded value. */
export function renderUrl(template: UrlTemplate, values: MacroValues): string {
  const { literals, macros } = template;
  let out = literals[0]!;
  for (let i = 0; i < macros.length; i++) out += encodeValue(values[macros[i]!]) + literals[i + 1]!;
  return out;
}

/** Unknown macros in a URL as written (`{foo}`), for the API to warn about on save. */
export function unknownMacros(url: string): string[] {
  return [...compileUrlTemplate(url).unknown];
}

/** Values used in a preview where the caller gives none, so a person sees where each macro lands. */
export const SAMPLE_MACRO_VALUES: MacroValues = {
  clickid: '1hwt0d7g0gcw74x6wqhrj0t945nz8',
  campaign_id: 12,
  campaign_name: 'Sample campaign',
  offer_id: 34,
  lander_id: 56,
  ref_id: 'channel-click-123',
  ...Object.fromEntries(SUB_MACROS.map((name, i) => [name, `sub${i + 1}-value`])),
  cost: '0.05',
  payout: '2.5',
  type: 'sale',
  status: 'approved',
  currency: 'USD',
  country: 'US',
  region: 'California',
  city: 'Los Angeles',
  isp: 'Comcast',
  device: 'mobile',
  os: 'iOS',
  browser: 'Safari',
  ip: '203.0.113.7',
  user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
  referrer: 'https://news.example.com/article',
  timestamp: 1_700_000_000,
};

/** A preview: sample values (overridable) filled in, unknown macros left visible and listed. */
export function renderPreview(url: string, sampleValues: MacroValues = {}): { url: string; unknownMacros: string[] } {
  const template = compileUrlTemplate(url);
  return { url: renderUrl(template, { ...SAMPLE_MACRO_VALUES, ...sampleValues }), unknownMacros: [...template.unknown] };
}
