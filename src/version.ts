import { readFileSync } from 'node:fs';

/** Waypost's version, from package.json (one directory above both src/ and dist/). */
export const WAYPOST_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** The User-Agent of every request Waypost makes, so partners can tell it apart and allowlist it. */
export const WAYPOST_USER_AGENT = `Waypost/${WAYPOST_VERSION}`;
