import { z } from 'zod';

/**
 * Waypost's whole configuration: one schema, parsed once at start-up from environment variables.
 * Everything else receives the parsed object; nothing reads process.env on its own.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ROLES = ['edge', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const configSchema = z
  .object({
    WAYPOST_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    WAYPOST_HOST: z.string().min(1).default('0.0.0.0'),
    WAYPOST_DATA_DIR: z.string().min(1).default('./data'),
    WAYPOST_BASE_URL: httpUrl.optional(),
    WAYPOST_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
    WAYPOST_SECRET_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
      .optional(),
    WAYPOST_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    WAYPOST_ENTITY_DB: z.enum(['sqlite', 'postgres']).default('sqlite'),
    WAYPOST_ROLES: list.pipe(z.array(z.enum(ROLES)).min(1)).default(['edge', 'api', 'worker']),
    WAYPOST_TRUSTED_PROXIES: list.default([]),
    WAYPOST_GEO_CITY_DB: z.string().min(1).optional(),
    WAYPOST_GEO_ASN_DB: z.string().min(1).optional(),
    WAYPOST_BOT_USER_AGENTS: list.default([]),
    WAYPOST_BOT_IPS: list.default([]),
    WAYPOST_OUTBOUND_ALLOW_HOSTS: list
      .pipe(z.array(z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?)$/, 'must be host names or IP addresses, comma-separated')))
      .default([]),
    WAYPOST_ACCOUNT_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
    WAYPOST_PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650).default(90),
    // Late postbacks, lander clicks and the click log need the raw click, so the floor is a week.
    WAYPOST_CLICK_RETENTION_DAYS: z.coerce.number().int('must be a whole number of days').min(7, 'must be at least 7 days').max(3650).default(180),
  })
  .superRefine((env, ctx) => {
    if (env.WAYPOST_ENTITY_DB === 'postgres') {
      ctx.addIssue({
        code: 'custom',
        path: ['WAYPOST_ENTITY_DB'],
        message: 'postgres is reserved for cluster mode, which this version does not ship yet; use sqlite',
      });
    }
  });

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  baseUrl: string;
  adminKey: string | undefined;
  secretKey: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  entityDb: 'sqlite';
  roles: Role[];
  accountCurrency: string;
  outbound: {
    /** Hosts (names or IPs) outgoing calls may reach even though they are loopback or private. */
    allowHosts: string[];
  };
  /** Personal data on conversions older than this many days is deleted by the worker. */
  personalDataRetentionDays: number;
  /** Raw clicks older than this many days are deleted by the worker; reports keep them as rollups. */
  clickRetentionDays: number;
  edge: {
    /** Proxies (IPs or CIDR ranges) whose X-Forwarded-For names the real client. */
    trustedProxies: string[];
    /** A user's own MaxMind (or compatible) City and ASN/ISP databases instead of the packaged ones. */
    geoCityDb: string | undefined;
    geoAsnDb: string | undefined;
    /** Extra bot markers: user-agent substrings or /regex/, and IPs or CIDR ranges. */
    botUserAgents: string[];
    botIps: string[];
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty variables count as unset, so `WAYPOST_PORT= npm start` behaves like no variable at all.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'environment';
      const given = issue.path.length ? present[String(issue.path[0])] : undefined;
      return `${name}${given === undefined ? '' : `=${JSON.stringify(given)}`}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration — ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.WAYPOST_PORT,
    host: c.WAYPOST_HOST,
    dataDir: c.WAYPOST_DATA_DIR,
    baseUrl: (c.WAYPOST_BASE_URL ?? `http://localhost:${c.WAYPOST_PORT}`).replace(/\/+$/, ''),
    adminKey: c.WAYPOST_ADMIN_KEY,
    secretKey: c.WAYPOST_SECRET_KEY?.toLowerCase(),
    logLevel: c.WAYPOST_LOG_LEVEL,
    entityDb: 'sqlite',
    roles: c.WAYPOST_ROLES,
    accountCurrency: c.WAYPOST_ACCOUNT_CURRENCY,
    outbound: { allowHosts: c.WAYPOST_OUTBOUND_ALLOW_HOSTS },
    personalDataRetentionDays: c.WAYPOST_PERSONAL_DATA_RETENTION_DAYS,
    clickRetentionDays: c.WAYPOST_CLICK_RETENTION_DAYS,
    edge: {
      trustedProxies: c.WAYPOST_TRUSTED_PROXIES,
      geoCityDb: c.WAYPOST_GEO_CITY_DB,
      geoAsnDb: c.WAYPOST_GEO_ASN_DB,
      botUserAgents: c.WAYPOST_BOT_USER_AGENTS,
      botIps: c.WAYPOST_BOT_IPS,
    },
  };
}
