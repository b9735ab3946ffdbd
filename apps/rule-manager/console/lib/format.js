// How times and statuses read on the page.

export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** A `datetime-local` value (local time) as an ISO string, or undefined when empty. */
export const isoFromLocal = (value) => (value ? new Date(value).toISOString() : undefined);

/** An ISO time as a `datetime-local` value, to the second (with `step: 1` on the input). */
export function localFromIso(iso) {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

export const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export const statusLabel = (status) => (status === 'ENABLED' ? 'Enabled' : 'Disabled');

export const RULE_TYPES = [
  ['CLIENT_STATUS_NOTIFY', 'Client Status Notification'],
  ['DATA_OUTBOUND', 'Data Outbound'],
  ['DATA_INBOUND', 'Data Inbound'],
];
