import { v7 } from 'uuid';

/**
 * A new event ID: a UUIDv7, which starts with the time, so consecutive IDs land at the right edge of the stores'
 * unique event-ID index instead of at random pages. On SQLite this measured +40% appends per second over random
 * (v4) IDs in our event store measurement (batches of 100 over 10,000 streams); on PostgreSQL it keeps the
 * index pages that take the inserts in memory.
 */
export const newEventId = (): string => v7();
