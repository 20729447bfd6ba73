import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from './query-string.js';

const entries = (text: string) => Object.entries(parseQuery(text));

test('a query reads as fastify reads it: + is a space, a repeated name is an array, a bare name is empty', () => {
  assert.deepEqual(entries('ref_id=ZP-1&sub1=site+one%2Fa&sub1=b&flag&cost=0.01'), [
    ['ref_id', 'ZP-1'],
    ['sub1', ['site one/a', 'b']],
    ['flag', ''],
    ['cost', '0.01'],
  ]);
  assert.deepEqual(entries('a==b&k%20ey=v%3Dw&=x'), [['a', '=b'], ['k ey', 'v=w'], ['', 'x']]);
  assert.deepEqual(entries(''), []);
  assert.deepEqual(entries('&&a=1&&'), [['a', '1']], 'empty pairs are skipped');
});

test('text that is not valid percent-encoding is kept as sent, never refused', () => {
  assert.deepEqual(entries('sub1=%FF%FE%80&ref_id=%E2%28%A1&x=%zz+1&y=%'), [
    ['sub1', '%FF%FE%80'],
    ['ref_id', '%E2%28%A1'],
    ['x', '%zz 1'],
    ['y', '%'],
  ]);
});

test('names of Object.prototype are plain parameters', () => {
  const query = parseQuery('__proto__=1&constructor=2');
  assert.equal(query['__proto__'], '1');
  assert.equal(query.constructor, '2');
  assert.equal(parseQuery('a=1').toString, undefined);
});
