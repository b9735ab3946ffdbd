import type { RecordedEvent } from '#libs/event-store';

/** A stream's category is its prefix (`client-…` → `client`): presence, refusals and delivery outcomes apart. */
export function categoryOf(event: Pick<RecordedEvent, 'stream' | 'position'>): string {
  const category = event.stream.slice(0, event.stream.indexOf('-'));
  if (!/^[a-z][a-z0-9]*$/.test(category))
    throw new TypeError(
      `cannot archive the event at position ${event.position}: its stream "${event.stream}" has no ` +
        'category prefix of lowercase letters before a "-"',
    );
  return category;
}

/** The UTC day (YYYY-MM-DD) of an epoch-milliseconds time. */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function archiveFileName(day: string, category: string): string {
  return `${day}.${category}.jsonl.gz`;
}

/** One line of an archive file: the whole event, in the store's field order. */
export function archiveLine(event: RecordedEvent): string {
  const { position, stream, version, eventId, type, data, metadata } = event;
  return `${JSON.stringify({ position, stream, version, eventId, type, data, metadata })}\n`;
}
