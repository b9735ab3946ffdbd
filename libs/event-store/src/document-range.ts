import type { DocumentQuery } from './event-store.port.js';

/** IDs from `low` (inclusive) to `high` (exclusive, none when open): an ID prefix as a range both indexes use. */
export interface IdRange {
  low: string;
  high: string | null;
}

/**
 * The smallest string after every string that starts with `prefix`: its last character moved up by one.
 * (The documents' IDs compare as bytes on both adapters, so a range scan is exactly a prefix match.)
 */
export function idRange(idPrefix = ''): IdRange {
  if (idPrefix === '') return { low: '', high: null };
  const last = idPrefix.charCodeAt(idPrefix.length - 1);
  if (last === 0xffff) return { low: idPrefix, high: null };
  return { low: idPrefix, high: idPrefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** Limit and offset as SQL parameters; null is "no limit". */
export function pageOf(query: DocumentQuery): { limit: number | null; offset: number } {
  return { limit: query.limit ?? null, offset: query.offset ?? 0 };
}
