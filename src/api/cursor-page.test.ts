import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorId, cursorKind, decodeCursor, encodeCursor } from './cursor-page.js';

const rows = [{ id: 9 }, { id: 7 }, { id: 4 }];
const kind = cursorKind('things', (row: { id: number }) => [row.id], ([id]) => cursorId(id));

test('a cursor is the sort key as base64url JSON, tagged with its list', () => {
  const cursor = encodeCursor(['things', 7]);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(cursor), ['things', 7]);
  assert.equal(kind.query.parse(cursor), 7);
  assert.equal(kind.query.parse(undefined), undefined);
});

test('a page of limit rows from limit + 1 fetched carries the cursor of its last row; a short page ends the list', () => {
  const page = kind.page(rows, 2, (row) => row.id);
  assert.deepEqual(page.items, [9, 7]);
  assert.equal(kind.query.parse(page.nextCursor!), 7);
  assert.deepEqual(kind.page(rows, 3, (row) => row.id), { items: [9, 7, 4], nextCursor: null });
  assert.deepEqual(kind.page([], 3, (row) => row.id), { items: [], nextCursor: null });
});

test('garbage, a foreign list and a wrong key shape are refused', () => {
  for (const cursor of ['not base64!', encodeCursor(['other', 7]), encodeCursor(['things', 'seven']), encodeCursor(['things', -1]), encodeCursor(['things', 1.5]), 'e30', Buffer.from('[').toString('base64url')]) {
    const result = kind.query.safeParse(cursor);
    assert.equal(result.success, false, cursor);
  }
});
