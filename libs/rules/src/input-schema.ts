/**
 * Untrusted input (an HTTP body or query, a bus message) is described once, as a zod schema: validation, the
 * field-and-rule error details and the OpenAPI document all come from it. Each broken rule becomes a violation
 * naming the field and the rule, so an operator reading the error knows exactly what to change.
 */
import * as z from 'zod';
import { RulesError, type Violation } from './rules.errors.js';

export type { Violation };

/** A custom issue names its rule; `bare` when its message already says which field it is about. */
export interface IssueParams {
  rule: string;
  bare?: boolean;
}

export const fieldOf = (path: readonly PropertyKey[]): string =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('');

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;

/** Absent, or null where a field (not a list entry) is expected: JSON clients send both for "not given". */
function isMissing(issue: Issue): boolean {
  const path = issue.path ?? [];
  if (path.length === 0 || (issue.code !== 'invalid_type' && issue.code !== 'invalid_value')) return false;
  return issue.input === undefined || (issue.input === null && typeof path.at(-1) === 'string');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'must be a string',
  object: 'must be an object',
  boolean: 'must be true or false',
  array: 'must be an array',
};

const length = (input: unknown) => (typeof input === 'string' || Array.isArray(input) ? input.length : 0);

/** The words after the field name, where a schema gives none of its own. */
export const messageTail: z.core.$ZodErrorMap = (issue) => {
  if (isMissing(issue)) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      if ((issue.path ?? []).length === 0 && issue.expected === 'object')
        return 'the body must be a JSON object';
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
    case 'invalid_value':
      if (typeof issue.input !== 'string') return TYPE_WORDS['string'];
      return `must be one of ${issue.values.join(', ')} (got "${issue.input}")`;
    case 'too_big':
      return `must be at most ${issue.maximum} characters (got ${length(issue.input)})`;
    case 'too_small':
      return `must be at least ${issue.minimum} characters`;
    default:
      return undefined;
  }
};

function ruleOf(issue: z.core.$ZodIssue): string {
  if (isMissing(issue)) return 'required';
  switch (issue.code) {
    case 'invalid_value':
      return typeof issue.input === 'string' ? 'enum' : 'type';
    case 'invalid_format':
      return 'pattern';
    case 'too_big':
    case 'too_small':
      return issue.origin === 'array' ? 'limit' : 'length';
    case 'custom':
      return (issue.params as IssueParams | undefined)?.rule ?? 'invalid';
    default:
      return 'type';
  }
}

const startsWith = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) =>
  prefix.every((key, i) => path[i] === key);

/**
 * One violation per issue, in the order the fields are declared; the fields an object does not know come first
 * (a typo is the likeliest cause of everything after it).
 */
export function violationsOf(issues: readonly z.core.$ZodIssue[], fieldOrder: readonly string[] = []) {
  const found: { path: readonly PropertyKey[]; violation: Violation }[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const unknown = issue.keys.map((key) => {
        const field = fieldOf([...issue.path, key]);
        return {
          path: issue.path,
          violation: { field, rule: 'unknown', message: `${field} is not a known field` },
        };
      });
      const first = found.findIndex((entry) => startsWith(entry.path, issue.path));
      found.splice(first === -1 ? found.length : first, 0, ...unknown);
      continue;
    }
    const field = fieldOf(issue.path);
    const bare = field === '' || (issue.code === 'custom' && (issue.params as IssueParams)?.bare);
    const message = bare ? issue.message : `${field} ${issue.message}`;
    found.push({ path: issue.path, violation: { field, rule: ruleOf(issue), message } });
  }
  const rank = ({ path }: { path: readonly PropertyKey[] }) =>
    path.length === 0 ? -1 : fieldOrder.indexOf(String(path[0]));
  return found.sort((a, b) => rank(a) - rank(b)).map((entry) => entry.violation);
}

/** The input as the schema's output, or a VALIDATION_FAILED refusal naming every broken field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true, error: messageTail });
  if (result.success) return result.data;
  const order = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  throw new RulesError('VALIDATION_FAILED', violationsOf(result.error.issues, order));
}

/** A string matching `pattern`; the message quotes the value and says what it must be. */
export const matching = (pattern: RegExp, description: string) =>
  z.string().regex(pattern, { error: (issue) => `"${String(issue.input)}" must be ${description}` });

/** Optional, and `null` means "not given" as well. */
export const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

/** An object-level check that runs even when a field failed, so one answer names every broken rule. */
export const always = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};
