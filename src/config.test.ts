import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

test('defaults make an embedded setup on port 3000', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.dataDir, './data');
  assert.equal(config.baseUrl, 'http://localhost:3000');
  assert.equal(config.entityDb, 'sqlite');
  assert.equal(config.logLevel, 'info');
  assert.deepEqual(config.roles, ['edge', 'api', 'worker']);
});

test('variables are read and coerced', () => {
  const config = loadConfig({
    WAYPOST_PORT: '8080',
    WAYPOST_BASE_URL: 'https://track.example.com/',
    WAYPOST_LOG_LEVEL: 'warn',
    WAYPOST_ROLES: 'edge, api',
    WAYPOST_SECRET_KEY: 'AB'.repeat(32),
    WAYPOST_ADMIN_KEY: 'k'.repeat(30),
    WAYPOST_PORT_UNRELATED: 'ignored',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.baseUrl, 'https://track.example.com', 'trailing slash dropped so URLs join cleanly');
  assert.equal(config.logLevel, 'warn');
  assert.deepEqual(config.roles, ['edge', 'api']);
  assert.equal(config.secretKey, 'ab'.repeat(32));
});

test('an empty variable counts as unset', () => {
  assert.equal(loadConfig({ WAYPOST_PORT: '' }).port, 3000);
});

test('wrong values stop start-up with one message naming each variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ WAYPOST_PORT: 'eighty' }, /WAYPOST_PORT="eighty": /],
    [{ WAYPOST_PORT: '70000' }, /WAYPOST_PORT="70000"/],
    [{ WAYPOST_BASE_URL: 'ftp://x' }, /WAYPOST_BASE_URL="ftp:\/\/x": must be an http\(s\) URL/],
    [{ WAYPOST_LOG_LEVEL: 'loud' }, /WAYPOST_LOG_LEVEL="loud"/],
    [{ WAYPOST_ENTITY_DB: 'mysql' }, /WAYPOST_ENTITY_DB="mysql"/],
    [{ WAYPOST_ENTITY_DB: 'postgres' }, /WAYPOST_ENTITY_DB="postgres": postgres is reserved for cluster mode/],
    [{ WAYPOST_SECRET_KEY: 'short' }, /WAYPOST_SECRET_KEY="short": must be 64 hex characters/],
    [{ WAYPOST_ADMIN_KEY: 'abc' }, /WAYPOST_ADMIN_KEY="abc": must be at least 24 characters/],
    [{ WAYPOST_ROLES: 'edge,cron' }, /WAYPOST_ROLES/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(env));
  }
  assert.throws(
    () => loadConfig({ WAYPOST_PORT: 'x', WAYPOST_LOG_LEVEL: 'y' }),
    (error: unknown) => error instanceof ConfigError && /WAYPOST_PORT/.test(error.message) && /WAYPOST_LOG_LEVEL/.test(error.message),
    'all problems reported at once',
  );
});
