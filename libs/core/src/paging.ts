/**
 * Keyset paging, the one shape of every list of the API: `?limit=&after=<cursor>` answers
 * `{ items, next }`, where `next` is the cursor of the page after this one (null on the last page).
 *
 * A cursor names the sort key of the last row a page showed, never an offset: the next page starts
 * strictly after that key whatever was added or removed meanwhile, and costs an index seek however
 * deep the client pages. The key's values travel in the cursor (timestamps as PostgreSQL's own text,
 * so no microsecond is lost), tagged with the list they belong to; to clients the cursor is opaque.
 */

/** What one part of a sort key holds: an instant (PostgreSQL timestamptz text), a UUID, an integer or free text. */
export type CursorPart = 'instant' | 'uuid' | 'int' | 'text';
export type CursorValue = string | number;

export interface Page<T> {
  items: T[];
  next: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL's timestamptz text ("2026-01-02 03:04:05.123456+00") or ISO 8601.
const INSTANT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The cursor of a row of list `list` whose sort key is `key`. */
export function encodeCursor(list: string, key: readonly CursorValue[]): string {
  return toBase64Url(JSON.stringify([list, ...key]));
}

function fits(value: unknown, part: CursorPart): boolean {
  switch (part) {
    case 'instant':
      return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')));
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'text':
      return typeof value === 'string' && value.length <= 1000;
  }
}

/**
 * The sort key a cursor of list `list` carries, checked part by part against `shape`; null when the
 * text is not such a cursor (another list's, a damaged one, or made up).
 */
export function decodeCursor(cursor: string, list: string, shape: readonly CursorPart[]): CursorValue[] | null {
  if (cursor.length > 4000) return null;
  const text = fromBase64Url(cursor);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== list) return null;
  const key = parsed.slice(1) as unknown[];
  return key.every((v, i) => fits(v, shape[i])) ? (key as CursorValue[]) : null;
}

/**
 * A page from the rows of a query that asked for `limit + 1` rows: the first `limit` of them, and the
 * cursor of the last one shown when there were more.
 */
export function pageOf<T>(rows: readonly T[], limit: number, list: string, keyOf: (row: T) => readonly CursorValue[]): Page<T> {
  if (rows.length <= limit) return { items: [...rows], next: null };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(list, keyOf(items[items.length - 1])) };
}

/** The page size a request asked for, within bounds (the DTOs refuse out-of-range values first). */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isInteger(limit) || limit < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(limit, MAX_PAGE_SIZE);
}
