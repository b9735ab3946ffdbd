/**
 * The metric names a PromQL expression reads. Strings (label values, regexes) go first, then label matchers and
 * range or offset brackets; what is left are identifiers, of which the names start with the metrics prefix.
 * `up` is Prometheus's own, so it is not listed.
 */
export function metricNamesIn(expression: string, prefix = 'msr_'): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((name) => name.startsWith(prefix)))].sort();
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The metric families of an exposition (`# TYPE name type`), by name. */
export function familiesOf(exposition: string): Map<string, string> {
  const types = [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)];
  return new Map(types.map(([, name, type]) => [name!, type!]));
}

/** Whether a name a query reads is served: a family, or a histogram's (summary's) `_bucket`, `_sum`, `_count`. */
export function isServed(name: string, families: Map<string, string>): boolean {
  if (families.has(name)) return true;
  const family = families.get(name.replace(HISTOGRAM_SERIES, ''));
  return family === 'histogram' || (family === 'summary' && !name.endsWith('_bucket'));
}
