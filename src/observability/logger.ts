import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';

/**
 * One pino logger for the process. Keys that can carry secrets or personal data are redacted
 * wherever they appear, so a careless log line cannot leak them.
 */
export const REDACTED_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'token', 'secret', 'apiKey', 'email', 'phone'];

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `req.headers.${key}`]),
      censor: '[redacted]',
    },
  });
}
