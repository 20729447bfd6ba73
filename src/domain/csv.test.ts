import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvSyntaxError, formatCsvLine, parseCsv } from './csv.js';

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

test('written cells: quotes where needed, formula-looking text escaped, numbers left as numbers', () => {
  const line = formatCsvLine(['=HYPERLINK("http://x.example","go")', '+1', '-2', '@SUM(A1)', '\tx', 'a,b', 'plain', -3.5, 0, null, 'say "hi"']);
  assert.equal(line, `"'=HYPERLINK(""http://x.example"",""go"")",'+1,'-2,'@SUM(A1),'\tx,"a,b",plain,-3.5,0,,"say ""hi"""\r\n`);
  // What is written reads back as the same text (with the escaping quote).
  assert.deepEqual(parseCsv(`h1,h2\n${formatCsvLine(['=1+2', 'two\nlines'])}`)[1]!.cells, ["'=1+2", 'two\nlines']);
});
