import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageOf, pageSize } from './paging';

describe('keyset paging', () => {
  const at = '2026-03-20 20:30:00.123456+00';
  const id = '0b7c4a52-9a8e-4a1c-8f57-1d2b3c4d5e6f';

  it('round-trips a sort key through an opaque, URL-safe cursor', () => {
    const cursor = encodeCursor('tranches', [at, id]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'tranches', ['instant', 'uuid'])).toEqual([at, id]);
    const withText = encodeCursor('projects', ['طرح-۱', 3]);
    expect(decodeCursor(withText, 'projects', ['text', 'int'])).toEqual(['طرح-۱', 3]);
  });

  it("refuses another list's cursor, a damaged one and made-up text", () => {
    const cursor = encodeCursor('tranches', [at, id]);
    expect(decodeCursor(cursor, 'ledger', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(cursor, 'tranches', ['instant'])).toBeNull();
    expect(decodeCursor(cursor.slice(0, -3), 'tranches', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor('not a cursor', 'tranches', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor('tranches', ['yesterday', id]), 'tranches', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor('tranches', ['2026-13-45 99:00:00+00', id]), 'tranches', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor('tranches', [at, 'x']), 'tranches', ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor('cases', [1.5, id]), 'cases', ['int', 'uuid'])).toBeNull();
  });

  it('accepts the instants PostgreSQL writes and ISO 8601', () => {
    for (const instant of ['2026-03-20 20:30:00+00', '2026-03-20 20:30:00.5+03:30', '2026-03-20T20:30:00.123Z']) {
      expect(decodeCursor(encodeCursor('x', [instant]), 'x', ['instant'])).toEqual([instant]);
    }
  });

  it('cuts a page from limit + 1 rows, with the cursor of its last row when more follow', () => {
    const rows = [1, 2, 3, 4].map((n) => ({ n }));
    const page = pageOf(rows, 3, 'numbers', (r) => [r.n]);
    expect(page.items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(decodeCursor(page.next!, 'numbers', ['int'])).toEqual([3]);
    expect(pageOf(rows.slice(0, 3), 3, 'numbers', (r) => [r.n])).toEqual({ items: rows.slice(0, 3), next: null });
    expect(pageOf([], 3, 'numbers', () => [])).toEqual({ items: [], next: null });
  });

  it('bounds the page size', () => {
    expect(pageSize(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(10)).toBe(10);
    expect(pageSize(MAX_PAGE_SIZE + 1)).toBe(MAX_PAGE_SIZE);
    expect(pageSize(0)).toBe(DEFAULT_PAGE_SIZE);
  });
});
