import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeTrafficChannel } from '../../test/fakes/fake-traffic-channel.js';
import { sendOutboundGet } from './outbound-http.js';
import { createOutboundUrlGuard, nonPublicAddressReason, OutboundUrlRefusedError, type HostResolver } from './outbound-url-guard.js';

const fakeDns =
  (answers: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(url: string, options: Parameters<typeof createOutboundUrlGuard>[0] = {}): Promise<string> {
  const guard = createOutboundUrlGuard(options);
  const error = await guard.check(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutboundUrlRefusedError, `${url} should be refused, got ${error === undefined ? 'allowed' : String(error)}`);
  return error.message;
}

test('literal loopback, private, CGNAT, link-local, metadata, multicast and reserved IPv4 addresses are refused', async () => {
  const cases: [string, RegExp][] = [
    ['http://127.0.0.1/postback', /loopback/],
    ['http://127.8.9.10:8080/', /loopback/],
    ['http://10.1.2.3/', /private address \(10\.0\.0\.0\/8\)/],
    ['http://172.16.0.1/', /private address \(172\.16\.0\.0\/12\)/],
    ['http://172.31.255.255/', /private/],
    ['http://192.168.1.1/', /private address \(192\.168\.0\.0\/16\)/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://169.254.1.1/', /link-local/],
    ['http://0.0.0.0/', /this network/],
    ['http://224.0.0.1/', /multicast/],
    ['http://255.255.255.255/', /reserved/],
    ['http://198.18.0.1/', /benchmarking/],
  ];
  for (const [url, reason] of cases) assert.match(await refusal(url), reason, url);
});

test('decimal, octal, hexadecimal and shortened IPv4 forms are refused as the address they stand for', async () => {
  for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0x7f000001/', 'http://017700000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0/']) {
    const message = await refusal(url);
    assert.match(message, /(127\.0\.0\.1 is a loopback|0\.0\.0\.0 is a "this network")/, `${url}: ${message}`);
  }
  assert.match(await refusal('http://0xa9.0xfe.0xa9.0xfe/'), /169\.254\.169\.254 is the cloud metadata address/);
});

test('IPv6 loopback, unique-local, link-local, mapped and embedded private addresses are refused', async () => {
  const cases: [string, RegExp][] = [
    ['http://[::1]/', /IPv6 loopback/],
    ['http://[::]/', /unspecified/],
    ['http://[::ffff:127.0.0.1]/', /IPv4-mapped IPv6 address of a loopback/],
    ['http://[::ffff:a9fe:a9fe]/', /IPv4-mapped IPv6 address of the cloud metadata/],
    ['http://[::ffff:192.168.0.1]/', /IPv4-mapped .*private/],
    ['http://[fd00:ec2::254]/', /unique-local/],
    ['http://[fc00::1]/', /unique-local/],
    ['http://[fe80::1]/', /link-local IPv6/],
    ['http://[ff02::1]/', /multicast/],
    ['http://[64:ff9b::a00:1]/', /NAT64 address of a private/],
    ['http://[2002:7f00:1::]/', /6to4 address of a loopback/],
    ['http://[2001:db8::1]/', /documentation/],
    ['http://[::127.0.0.1]/', /IPv4-compatible/],
  ];
  for (const [url, reason] of cases) assert.match(await refusal(url), reason, url);
});

test('localhost and a name that resolves to a private address are refused after DNS', async () => {
  assert.match(await refusal('http://localhost:3000/'), /localhost resolves to (127\.0\.0\.1|::1), which is a/);
  const resolve = fakeDns({ 'evil.example': ['127.0.0.1'], 'mixed.example': ['93.184.215.14', '10.0.0.7'], 'meta.example': ['169.254.169.254'], 'v6.example': ['fd12::1'] });
  assert.match(await refusal('http://evil.example/pb', { resolve }), /evil\.example resolves to 127\.0\.0\.1, which is a loopback address/);
  assert.match(await refusal('https://mixed.example/', { resolve }), /mixed\.example resolves to 10\.0\.0\.7/, 'one private answer among public ones is enough');
  assert.match(await refusal('http://meta.example/', { resolve }), /cloud metadata/);
  assert.match(await refusal('http://v6.example/', { resolve }), /unique-local/);
});

test('only http and https are allowed; refusals say how to allow a host', async () => {
  for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'not a url']) await refusal(url);
  assert.match(await refusal('http://127.0.0.1/'), /WAYPOST_OUTBOUND_ALLOW_HOSTS/);
});

test('public addresses pass, pinned to the checked address; a failed DNS lookup is an ordinary (retryable) error', async () => {
  const resolve = fakeDns({ 'postback.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
  const guard = createOutboundUrlGuard({ resolve });
  const checked = await guard.check('https://postback.example/conv?cid=1');
  assert.equal(checked.address, '93.184.215.14');
  assert.equal(checked.hostname, 'postback.example');
  assert.equal((await guard.check('http://8.8.8.8/')).address, '8.8.8.8');
  assert.equal((await guard.check('http://[2606:4700:4700::1111]/')).address, '2606:4700:4700::1111');
  assert.equal(nonPublicAddressReason('1.1.1.1'), undefined);

  const error = await guard.check('http://missing.example/').catch((e: unknown) => e);
  assert.ok(error instanceof Error && !(error instanceof OutboundUrlRefusedError));
  assert.match((error as Error).message, /DNS lookup of missing\.example failed \(ENOTFOUND\)/);
});

test('hosts in the allow list pass: by IP, by name, and IPv6 in any spelling', async () => {
  const resolve = fakeDns({ 'internal.example': ['10.0.0.5'], 'other.example': ['127.0.0.1'] });
  const guard = createOutboundUrlGuard({ allowHosts: ['127.0.0.1', 'Internal.Example', '[0:0::1]'], resolve });
  assert.equal((await guard.check('http://127.0.0.1:8080/pb')).address, '127.0.0.1');
  assert.equal((await guard.check('http://2130706433/')).address, '127.0.0.1', 'the allowed IP in another spelling');
  assert.equal((await guard.check('http://internal.example/')).address, '10.0.0.5');
  assert.equal((await guard.check('http://other.example/')).address, '127.0.0.1', 'a name resolving to an allowed IP');
  assert.equal((await guard.check('http://[::1]/')).address, '::1');
  await assert.rejects(guard.check('http://10.0.0.6/'), OutboundUrlRefusedError, 'other private addresses stay refused');
});

test('the connection goes to the checked address even when DNS answers differently afterwards (rebinding)', async () => {
  const channel = await startFakeTrafficChannel();
  try {
    const port = new URL(channel.url).port;
    let lookups = 0;
    // The first answer (checked) is the fake channel; any later one would point somewhere else.
    const resolve: HostResolver = async () => (lookups++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.255.255.1', family: 4 }]);
    const guard = createOutboundUrlGuard({ allowHosts: ['127.0.0.1'], resolve });
    const response = await sendOutboundGet(`http://rebind.example:${port}/postback?cid=abc`, { guard, timeoutMs: 5000 });
    assert.equal(response.statusCode, 200);
    assert.equal(lookups, 1, 'DNS asked once, by the check');
    assert.equal(channel.hits.length, 1);
    assert.equal(channel.hits[0]!.headers.host, `rebind.example:${port}`, 'the Host header keeps the name');
    assert.match(String(channel.hits[0]!.headers['user-agent']), /^Waypost\/\d+\.\d+\.\d+/);
  } finally {
    await channel.close();
  }
});

test('WAYPOST_OUTBOUND_ALLOW_HOSTS is a comma-separated list of host names and IPs', async () => {
  const { loadConfig } = await import('../config.js');
  assert.deepEqual(loadConfig({}).outbound.allowHosts, []);
  assert.deepEqual(loadConfig({ WAYPOST_OUTBOUND_ALLOW_HOSTS: '127.0.0.1, postback.internal ,::1,[fd00::5]' }).outbound.allowHosts, ['127.0.0.1', 'postback.internal', '::1', '[fd00::5]']);
  assert.throws(() => loadConfig({ WAYPOST_OUTBOUND_ALLOW_HOSTS: 'http://x.example/' }), /WAYPOST_OUTBOUND_ALLOW_HOSTS.*must be host names or IP addresses/);
});
