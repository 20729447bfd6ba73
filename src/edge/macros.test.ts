import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MACRO_NAMES, SAMPLE_MACRO_VALUES, compileUrlTemplate, isKnownMacro, renderPreview, renderUrl, unknownMacros, type MacroValues } from './macros.js';

test('every macro of the wire contract is substituted with its value', () => {
  const url = `https://offer.example/?${MACRO_NAMES.map((name) => `${name}={${name}}`).join('&')}`;
  const values = Object.fromEntries(MACRO_NAMES.map((name) => [name, `v-${name}`])) as MacroValues;
  const rendered = new URL(renderUrl(compileUrlTemplate(url), values));
  for (const name of MACRO_NAMES) assert.equal(rendered.searchParams.get(name), `v-${name}`, name);
  // The list in DESIGN.md §3, no more and no less.
  const contract = 'clickid campaign_id campaign_name offer_id lander_id ref_id cost payout type status currency country region city isp device os browser ip user_agent referrer timestamp'.split(' ');
  for (let i = 1; i <= 20; i++) contract.push(`sub${i}`);
  assert.deepEqual([...MACRO_NAMES].sort(), contract.sort());
  for (const name of ['clickid', 'sub1', 'sub20', 'user_agent', 'timestamp', 'ref_id']) assert.ok(isKnownMacro(name), name);
});

test('values are URL-encoded: spaces, &, =, #, slashes and unicode', () => {
  const template = compileUrlTemplate('https://offer.example/p/{city}?q={sub1}&ua={user_agent}#{referrer}');
  const rendered = renderUrl(template, {
    city: 'São Paulo',
    sub1: 'a b&c=d#e',
    user_agent: 'Mozilla/5.0 (X11; Linux)',
    referrer: 'https://ref.example/?x=1&y=ü',
  });
  assert.equal(
    rendered,
    'https://offer.example/p/S%C3%A3o%20Paulo?q=a%20b%26c%3Dd%23e&ua=Mozilla%2F5.0%20(X11%3B%20Linux)#https%3A%2F%2Fref.example%2F%3Fx%3D1%26y%3D%C3%BC',
  );
  assert.equal(new URL(rendered).searchParams.get('q'), 'a b&c=d#e', 'the value survives a round trip');
  assert.equal(renderUrl(compileUrlTemplate('https://x/?e={sub2}'), { sub2: '😀' }), 'https://x/?e=%F0%9F%98%80');
  assert.equal(renderUrl(compileUrlTemplate('https://x/?e={sub2}'), { sub2: 'a\uD800b' }), 'https://x/?e=a%EF%BF%BDb', 'a lone surrogate does not throw');
});

test('numbers are written as they are; missing and null values become empty', () => {
  const template = compileUrlTemplate('https://x/?p={payout}&t={timestamp}&c={campaign_id}&s={sub5}&n={sub6}');
  assert.equal(renderUrl(template, { payout: 2.5, timestamp: 1_700_000_000, campaign_id: 7, sub6: null }), 'https://x/?p=2.5&t=1700000000&c=7&s=&n=');
});

test('macro names are case-insensitive', () => {
  const template = compileUrlTemplate('https://x/?a={ClickId}&b={SUB1}&c={clickid}');
  assert.deepEqual(template.macros, ['clickid', 'sub1', 'clickid']);
  assert.equal(renderUrl(template, { clickid: 'abc', sub1: 'z' }), 'https://x/?a=abc&b=z&c=abc');
  assert.deepEqual(unknownMacros('https://x/?a={ClickId}'), []);
});

test('unknown macros are kept verbatim and reported once each', () => {
  const url = 'https://x/?a={clickid}&b={zoneid}&c={ZoneId}&d={zoneid}&e={}&f={1abc}';
  const template = compileUrlTemplate(url);
  assert.equal(renderUrl(template, { clickid: 'id1' }), 'https://x/?a=id1&b={zoneid}&c={ZoneId}&d={zoneid}&e={}&f={1abc}');
  assert.deepEqual(unknownMacros(url), ['{zoneid}', '{ZoneId}']);
  assert.deepEqual(template.unknown, ['{zoneid}', '{ZoneId}']);
  assert.deepEqual(unknownMacros('https://x/?sub21={sub21}&fb={{ad.id}}'), ['{sub21}']);
});

test('percent-encoded braces around a known macro still count as the macro', () => {
  // new URL() encodes braces in a path: https://x/{clickid} becomes https://x/%7Bclickid%7D.
  const template = compileUrlTemplate(new URL('https://x/go/{clickid}?s={sub1}').href);
  assert.equal(renderUrl(template, { clickid: 'abc', sub1: 'q' }), 'https://x/go/abc?s=q');
  assert.equal(renderUrl(compileUrlTemplate('https://x/%7bclickid%7d/%7Bfoo%7D'), { clickid: 'abc' }), 'https://x/abc/%7Bfoo%7D');
  assert.deepEqual(unknownMacros('https://x/%7Bfoo%7D'), [], 'encoded text is only a macro when the name is known');
});

test('a URL without macros renders unchanged, and macros may be adjacent', () => {
  assert.equal(renderUrl(compileUrlTemplate('https://x/a?b=c'), {}), 'https://x/a?b=c');
  assert.equal(renderUrl(compileUrlTemplate('{sub1}{sub2}'), { sub1: 'a', sub2: 'b' }), 'ab');
});

test('a preview fills sample values, takes overrides, and lists unknown macros', () => {
  const preview = renderPreview('https://x/?c={clickid}&p={payout}&z={zone}', { payout: '9.99' });
  assert.equal(preview.url, `https://x/?c=${String(SAMPLE_MACRO_VALUES.clickid)}&p=9.99&z={zone}`);
  assert.deepEqual(preview.unknownMacros, ['{zone}']);
  for (const name of MACRO_NAMES) assert.notEqual(SAMPLE_MACRO_VALUES[name], undefined, `sample for ${name}`);
});
