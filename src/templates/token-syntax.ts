import { z } from 'zod';

/**
 * How a partner writes its own macros (tokens), which it replaces before calling Waypost or
 * Waypost's click URL: Zeropark `{target}`, PropellerAds `${SUBID}`, Tonic `[clickid]`, Facebook
 * `{{ad.id}}`, TikTok `__CAMPAIGN_ID__`, MaxBounty `#S1#`. A template names its partner's syntax so
 * its tokens can be checked: a typo such as `{zoneid` is caught when the file loads.
 */
export const TOKEN_SYNTAXES = {
  braces: /\{[A-Za-z][A-Za-z0-9_.]*\}/g,
  'double-braces': /\{\{[A-Za-z][A-Za-z0-9_.]*\}\}/g,
  'dollar-braces': /\$\{[A-Za-z][A-Za-z0-9_.]*\}/g,
  brackets: /\[[A-Za-z][A-Za-z0-9_.]*\]/g,
  'double-underscores': /__[A-Z][A-Z0-9_]*?__/g,
  hashes: /#[A-Za-z][A-Za-z0-9_]*#/g,
} as const;

export type TokenSyntax = keyof typeof TOKEN_SYNTAXES;
export const tokenSyntaxSchema = z.enum(Object.keys(TOKEN_SYNTAXES) as [TokenSyntax, ...TokenSyntax[]]);

// Characters that only make sense inside a token; left over outside one, they signal a broken token.
const TOKEN_PUNCTUATION = /[{}[\]$#]|__/;

/** The partner's tokens in a text, in order. */
export function partnerTokens(text: string, syntax: TokenSyntax): string[] {
  return [...text.matchAll(TOKEN_SYNTAXES[syntax])].map((match) => match[0]);
}

/**
 * Why `text` is not a well-formed value made of the partner's tokens (with optional literal text
 * around them), or null when it is. `{zoneid`, `${SUBID` or a token in another syntax are reported.
 */
export function tokenProblem(text: string, syntax: TokenSyntax): string | null {
  if (partnerTokens(text, syntax).length === 0) return `"${text}" holds no token in the partner's ${syntax} syntax`;
  const rest = text.replace(TOKEN_SYNTAXES[syntax], ' ');
  if (TOKEN_PUNCTUATION.test(rest)) return `"${text}" has token punctuation outside a well-formed ${syntax} token`;
  return null;
}

/** The text with each of the partner's tokens replaced by a sample value, as the partner would send it. */
export function fillPartnerTokens(text: string, syntax: TokenSyntax, sample: (token: string) => string): string {
  return text.replace(TOKEN_SYNTAXES[syntax], (token) => sample(token));
}
