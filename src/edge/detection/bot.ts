import { isbotMatch } from 'isbot';
import { createIpList } from './ip-list.js';
import { LruCache } from './lru-cache.js';

/** Whether a click looks automated, and why, in words a person can act on. */
export interface BotVerdict {
  readonly isBot: boolean;
  /** '' for humans. */
  readonly reason: string;
}

export interface BotDetectorOptions {
  /** Extra UA markers: a case-insensitive substring, or `/pattern/flags` for a regular expression. */
  userAgents?: readonly string[] | undefined;
  /** IPs and CIDR ranges (datacenters, known scrapers) whose clicks are bots whatever the UA says. */
  ips?: readonly string[] | undefined;
  cacheSize?: number | undefined;
}

export interface BotDetector {
  check(userAgent: string, ip: string): BotVerdict;
}

export const HUMAN: BotVerdict = Object.freeze({ isBot: false, reason: '' });
const EMPTY_USER_AGENT: BotVerdict = Object.freeze({ isBot: true, reason: 'empty user agent' });
const LISTED_IP: BotVerdict = Object.freeze({ isBot: true, reason: 'IP in bot list' });

/**
 * isbot's community list plus the user's own lists. UA verdicts are cached per UA string, since the
 * same few browsers and crawlers make most clicks; the IP list is checked on every click.
 */
export function createBotDetector(options: BotDetectorOptions = {}): BotDetector {
  const userPatterns = (options.userAgents ?? []).map(compileUserAgentPattern).filter((pattern) => pattern !== null);
  const ips = createIpList(options.ips ?? [], 'botIps');
  const cache = new LruCache<string, BotVerdict>(options.cacheSize ?? 10_000);

  const judgeUserAgent = (userAgent: string): BotVerdict => {
    if (userAgent.trim() === '') return EMPTY_USER_AGENT;
    for (const pattern of userPatterns) {
      if (pattern.test(userAgent)) return Object.freeze({ isBot: true, reason: `user bot list: ${pattern.source}` });
    }
    const match = isbotMatch(userAgent);
    if (match !== null) return Object.freeze({ isBot: true, reason: `known bot: ${match}` });
    return HUMAN;
  };

  return {
    check(userAgent: string, ip: string): BotVerdict {
      let verdict = cache.get(userAgent);
      if (verdict === undefined) {
        verdict = judgeUserAgent(userAgent);
        cache.set(userAgent, verdict);
      }
      if (verdict.isBot) return verdict;
      return ips.size > 0 && ips.has(ip) ? LISTED_IP : HUMAN;
    },
  };
}

interface UserAgentPattern {
  readonly source: string;
  test(userAgent: string): boolean;
}

function compileUserAgentPattern(entry: string): UserAgentPattern | null {
  const trimmed = entry.trim();
  if (trimmed === '') return null;
  const regexForm = /^\/(.+)\/([a-z]*)$/s.exec(trimmed);
  if (regexForm !== null) {
    let regex: RegExp;
    try {
      // g and y make test() stateful across calls; a list entry never needs them.
      regex = new RegExp(regexForm[1]!, regexForm[2]!.replace(/[gy]/g, ''));
    } catch (error) {
      throw new Error(`botUserAgents: "${entry}" is not a valid regular expression (${(error as Error).message})`);
    }
    return { source: trimmed, test: (userAgent) => regex.test(userAgent) };
  }
  const needle = trimmed.toLowerCase();
  return { source: `"${trimmed}"`, test: (userAgent) => userAgent.toLowerCase().includes(needle) };
}
