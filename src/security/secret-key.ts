import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The key that encrypts partner credentials: WAYPOST_SECRET_KEY when set, else the one generated into
 * the data directory on first start (readable by the owner only). Losing it makes stored credentials
 * unreadable, so it is never regenerated once it exists.
 */
export function loadOrCreateSecretKey(dataDir: string, configured: string | undefined): { key: Buffer; created: boolean } {
  if (configured) return { key: Buffer.from(configured, 'hex'), created: false };
  const file = join(dataDir, SECRET_KEY_FILE);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${file} does not hold a 64-hex-character key; restore it or set WAYPOST_SECRET_KEY`);
    return { key: Buffer.from(text, 'hex'), created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
