import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, startCli } from '../support/run-cli.js';

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'waypost-cli-'));
}

test('start --demo serves /healthz, prints a click URL and the first admin key once', async () => {
  const dir = dataDir();
  const port = await freePort();
  const env = { WAYPOST_DATA_DIR: dir, WAYPOST_PORT: String(port), WAYPOST_HOST: '127.0.0.1' };
  try {
    const first = await startCli(['start', '--demo'], env, /Click URL: .*\n/);
    const output = first.output();
    const clickUrl = /Click URL: (\S+)/.exec(output)![1]!;
    assert.match(clickUrl, new RegExp(`^http://localhost:${port}/c/[a-z2-9]{8}\\?ref_id=`));
    const adminKey = /^\s+(wp_[A-Za-z0-9_-]{43})$/m.exec(output)?.[1];
    assert.ok(adminKey, 'the generated admin key is printed');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const campaigns = await fetch(`http://127.0.0.1:${port}/api/v1/campaigns`, { headers: { authorization: `Bearer ${adminKey}` } });
    const list: any = await campaigns.json();
    assert.equal(list.total, 1);
    assert.equal(list.items[0].clickUrl, clickUrl);
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600, 'the secret key file is private');

    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    assert.equal(code, 0, 'SIGTERM shuts down cleanly');

    const second = await startCli(['start', '--demo'], env, /Click URL: .*\n/);
    assert.ok(!/wp_[A-Za-z0-9_-]{43}/.test(second.output()), 'the admin key is printed only on first start');
    assert.match(second.output(), new RegExp(`Click URL: ${clickUrl.replace(/[.?$*+(){}[\]\\^|]/g, '\\$&')}`), 'the demo is not created twice');
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WAYPOST_ADMIN_KEY is accepted as the admin key', async () => {
  const dir = dataDir();
  const port = await freePort();
  const adminKey = 'my-own-admin-key-of-sufficient-length';
  try {
    const server = await startCli(['start'], { WAYPOST_DATA_DIR: dir, WAYPOST_PORT: String(port), WAYPOST_HOST: '127.0.0.1', WAYPOST_ADMIN_KEY: adminKey }, /Waypost is running/);
    assert.ok(!/wp_/.test(server.output()), 'no key is generated when one is configured');
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/landers`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(ok.status, 200);
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a wrong configuration stops start-up with one clear message and exit code 2', async () => {
  const dir = dataDir();
  try {
    const result = await runCli(['start'], { WAYPOST_DATA_DIR: dir, WAYPOST_PORT: 'eighty' });
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^waypost: Invalid configuration — WAYPOST_PORT="eighty": /);
    assert.ok(!result.stderr.includes('    at '), 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate applies once, then reports nothing to do', async () => {
  const dir = dataDir();
  try {
    const first = await runCli(['migrate'], { WAYPOST_DATA_DIR: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied migrations: 0001-entities, 0002-conversions/);
    const second = await runCli(['migrate'], { WAYPOST_DATA_DIR: dir });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /up to date; nothing to apply/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('api-key create prints a working key; seed-demo prints the click URL; unknown commands are refused', async () => {
  const dir = dataDir();
  try {
    const created = await runCli(['api-key', 'create', '--name', 'reporting', '--role', 'read'], { WAYPOST_DATA_DIR: dir });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created read API key #1 "reporting"/);
    const key = /^(wp_\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(key);

    const seeded = await runCli(['seed-demo'], { WAYPOST_DATA_DIR: dir, WAYPOST_BASE_URL: 'https://t.example' });
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.match(seeded.stdout, /Click URL: https:\/\/t\.example\/c\/[a-z2-9]{8}\?ref_id=\$\{SUBID\}&sub1=\$\{zoneid\}/);

    const badRole = await runCli(['api-key', 'create', '--role', 'root'], { WAYPOST_DATA_DIR: dir });
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /--role must be one of admin, read/);
    const unknown = await runCli(['launch'], { WAYPOST_DATA_DIR: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "launch"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
