import { api, path } from '../lib/api.js';
import { h, messageOf, section } from '../lib/dom.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 3_000;
const SVG = 'http://www.w3.org/2000/svg';
const COUNTERS = [
  ['matched', 'Matched'],
  ['forwarded', 'Forwarded'],
  ['pending', 'Pending (lag)'],
  ['deadLettered', 'Dead-lettered'],
  ['failedAttempts', 'Failed attempts'],
  ['replayed', 'Replayed'],
];

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  element.append(...children);
  return element;
}

const WINDOW_MINUTES = 30;

/** The last 30 minutes, oldest first, a minute without deliveries at zero. */
function lastMinutes(perMinute, now = Date.now()) {
  const byMinute = new Map(perMinute.map((m) => [Math.floor(Date.parse(m.minute) / 60_000), m]));
  const current = Math.floor(now / 60_000);
  return Array.from({ length: WINDOW_MINUTES }, (_, i) => {
    const minute = current - WINDOW_MINUTES + 1 + i;
    const found = byMinute.get(minute);
    return {
      minute: new Date(minute * 60_000),
      forwarded: found?.forwarded ?? 0,
      failed: found?.failed ?? 0,
    };
  });
}

/** Forwarded and failed per minute over the last half hour, bars side by side, the busiest minute at full height. */
export function perMinuteChart(perMinute) {
  const minutes = lastMinutes(perMinute);
  const [width, height, bottom] = [900, 150, 18];
  const peak = Math.max(1, ...minutes.flatMap((m) => [m.forwarded, m.failed]));
  const slot = width / minutes.length;
  const time = (m) => m.minute.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const bar = (m, kind, offset) => {
    const size = ((height - bottom - 8) * m[kind]) / peak;
    return svg(
      'rect',
      { x: offset, y: height - bottom - size, width: slot / 2 - 3, height: size, class: kind },
      svg('title', {}, `${time(m)}: ${m[kind]} ${kind}`),
    );
  };
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: 'chart',
      role: 'img',
      'aria-label': `Forwarded and failed per minute, last ${WINDOW_MINUTES} minutes, at most ${peak} a minute`,
    },
    ...minutes.flatMap((m, i) => [
      bar(m, 'forwarded', i * slot + 2),
      bar(m, 'failed', i * slot + slot / 2),
      ...(i % 5 === 0
        ? [svg('text', { x: i * slot + 2, y: height - 4, 'font-size': 12, fill: '#5b6475' }, time(m))]
        : []),
    ]),
    svg('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, stroke: '#d6dae3' }),
    svg(
      'text',
      { x: width - 4, y: 14, 'font-size': 12, fill: '#5b6475', 'text-anchor': 'end' },
      `${peak}/min`,
    ),
  );
}

/** The rule's counters and chart, refreshed every few seconds; pending is the lag still to be forwarded. */
export function counters(ruleId) {
  const body = h('div', { 'aria-live': 'polite' });
  const stop = poll(REFRESH_MS, async () => {
    try {
      const answer = await api('GET', `/rules/${path(ruleId)}/counters`);
      body.replaceChildren(
        h(
          'dl',
          { class: 'stats' },
          COUNTERS.map(([key, name]) =>
            h('div', { 'data-counter': key }, h('dt', {}, name), h('dd', {}, String(answer[key] ?? 0))),
          ),
        ),
        perMinuteChart(answer.perMinute ?? []),
        h(
          'p',
          { class: 'legend' },
          h('span', {}, h('span', { class: 'swatch forwarded' }), 'Forwarded'),
          h('span', {}, h('span', { class: 'swatch failed' }), 'Failed'),
        ),
      );
    } catch (error) {
      body.replaceChildren(h('p', { class: 'meta' }, `Counters unavailable: ${messageOf(error)}`));
    }
  });
  return {
    element: section('counters-title', 'Counters', body),
    stop,
  };
}
