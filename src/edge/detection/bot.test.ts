import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBotDetector, HUMAN } from './bot.js';
import { UA } from './user-agents.fixture.js';

test('browsers are human', () => {
  const bots = createBotDetector();
  for (const userAgent of [UA.iphoneSafari, UA.androidChromeSamsung, UA.windowsChrome, UA.macSafari, UA.facebookInApp]) {
    assert.equal(bots.check(userAgent, '8.8.8.8'), HUMAN, userAgent);
  }
});

test('Googlebot and curl are known bots, with the matched marker as the reason', () => {
  const bots = createBotDetector();
  assert.deepEqual({ ...bots.check(UA.googlebot, '66.249.66.1') }, { isBot: true, reason: 'known bot: Google' });
  assert.deepEqual({ ...bots.check(UA.curl, '203.0.113.9') }, { isBot: true, reason: 'known bot: curl/8.5.0' });
});

test('an empty or blank user agent is a bot', () => {
  const bots = createBotDetector();
  assert.deepEqual({ ...bots.check('', '8.8.8.8') }, { isBot: true, reason: 'empty user agent' });
  assert.equal(bots.check('   ', '8.8.8.8').isBot, true);
});

test("the user's UA substrings (any case) and regular expressions are bots", () => {
  const bots = createBotDetector({ userAgents: ['AdsSpy', '/Chrome\\/126\\.0\\.0\\.0 Safari\\/537\\.36$/'] });
  assert.deepEqual({ ...bots.check('Mozilla/5.0 adsspy/2.0', '8.8.8.8') }, { isBot: true, reason: 'user bot list: "AdsSpy"' });
  const byRegex = bots.check(UA.windowsChrome, '8.8.8.8');
  assert.equal(byRegex.isBot, true);
  assert.match(byRegex.reason, /^user bot list: \/Chrome/);
  assert.equal(bots.check(UA.windowsEdge, '8.8.8.8').isBot, false);
});

test("the user's IP ranges flag clicks whatever the UA", () => {
  const bots = createBotDetector({ ips: ['34.64.0.0/10', '2600:1900::/28'] });
  assert.deepEqual({ ...bots.check(UA.windowsChrome, '34.80.1.2') }, { isBot: true, reason: 'IP in bot list' });
  assert.equal(bots.check(UA.windowsChrome, '2600:1900:4000::1').isBot, true);
  assert.equal(bots.check(UA.windowsChrome, '81.2.69.142'), HUMAN);
});

test('a bad regular expression fails at start-up, naming the entry', () => {
  assert.throws(() => createBotDetector({ userAgents: ['/(unclosed/'] }), /botUserAgents: "\/\(unclosed\/" is not a valid regular expression/);
});

test('a stateful regex flag does not make matches alternate', () => {
  const bots = createBotDetector({ userAgents: ['/spy/gi'], cacheSize: 1 });
  assert.equal(bots.check('Spy one', ''), bots.check('Spy one', ''));
  assert.equal(bots.check('spy two', '').isBot, true);
  assert.equal(bots.check('spy three', '').isBot, true);
});

test('the verdict for a UA is cached', () => {
  const bots = createBotDetector();
  const first = bots.check(UA.googlebot, '1.2.3.4');
  assert.equal(bots.check(UA.googlebot, '5.6.7.8'), first);
});
