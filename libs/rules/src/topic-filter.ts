/** MQTT topic names and filters (MQTT 3.1.1 §4.7 / MQTT 5 §4.7): levels split on `/`, `+` one level, `#` the rest. */

export const TOPIC_FILTER_MAX_LENGTH = 256;

/** Why a string is not a topic filter, as `{rule, message}`, or undefined when it is one. */
export function topicFilterProblem(
  filter: string,
  maxLength = TOPIC_FILTER_MAX_LENGTH,
): { rule: string; message: string } | undefined {
  if (filter.length === 0) return { rule: 'length', message: 'must not be empty' };
  if (filter.length > maxLength)
    return { rule: 'length', message: `must be at most ${maxLength} characters` };
  if (filter.includes('\u0000')) return { rule: 'characters', message: 'must not contain NUL' };
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('+') && level !== '+') {
      return { rule: 'wildcard', message: '+ must be a whole level (a/+/c)' };
    }
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return { rule: 'wildcard', message: '# must be the whole last level (a/#)' };
    }
  }
  return undefined;
}

export const hasWildcard = (topic: string): boolean => topic.includes('+') || topic.includes('#');

/** MQTT 4.7.2: a filter starting with a wildcard does not match topics starting with `$` (`$SYS/…`). */
const hidesDollarTopic = (filter: string[], topic: string[]): boolean =>
  (filter[0] === '+' || filter[0] === '#') && (topic[0]?.startsWith('$') ?? false);

/** Whether the filter matches the topic name (which has no wildcards). */
export function matchesTopic(filter: string, topic: string): boolean {
  const [f, t] = [filter.split('/'), topic.split('/')];
  if (hidesDollarTopic(f, t)) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true; // `a/#` matches `a` too: # includes the parent level
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Whether every topic the requested filter matches is also matched by the allowed one: `a/#` covers `a/+/c`,
 * `a/+` does not cover `a/#`, `#` does not cover `$SYS/#`.
 */
export function coversFilter(allowed: string, requested: string): boolean {
  // Every topic has a first level, so `+/#` matches exactly what `#` does.
  const [a, r] = [allowed === '+/#' ? ['#'] : allowed.split('/'), requested.split('/')];
  if (hidesDollarTopic(a, r)) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= r.length || r[i] === '#') return false;
    if (a[i] !== '+' && a[i] !== r[i]) return false; // a literal covers only itself, not `+`
  }
  return a.length === r.length;
}
