import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvSyntaxError, parseCsv } from './csv.js';

test('CSV with quotes, embedded delimiters, line breaks, CRLF and a byte-order mark', () => {
  const records = parseCsv('\uFEFFclickId,payout,note\r\nabc,"1,50","say ""hi"""\r\n\r\ndef,2,"two\nlines"\nghi,,\n');
  assert.deepEqual(records, [
    { line: 1, cells: ['clickId', 'payout', 'note'] },
    { line: 2, cells: ['abc', '1,50', 'say "hi"'] },
    { line: 4, cells: ['def', '2', 'two\nlines'] },
    { line: 6, cells: ['ghi', '', ''] },
  ]);
});

test('semicolon and tab delimiters are recognised from the header', () => {
  assert.deepEqual(parseCsv('a;b\n1,5;2').map((r) => r.cells), [['a', 'b'], ['1,5', '2']]);
  assert.deepEqual(parseCsv('a\tb\n1\t2').map((r) => r.cells), [['a', 'b'], ['1', '2']]);
});

test('an unclosed quote is an error naming its line', () => {
  assert.throws(() => parseCsv('a,b\n1,"open\n2,3'), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2);
  assert.throws(() => parseCsv('a,b\n"x"y,1'), CsvSyntaxError);
});
