import * as z from 'zod';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/**
 * One environment variable: its default and the rule its value must keep, as a zod schema of the variable's
 * text (trimmed; unset when empty). A broken rule is an issue naming the rule; the message names the variable.
 */
export type Variable<T> = (name: string) => z.ZodType<T, string | undefined>;

type Refuse = (rule: string, message: string) => never;

type Parse<T> = (text: string, refuse: Refuse) => T;

/** A variable whose text `parse` turns into its value, or refuses with a rule and a message; unset without default. */
export function variable<T>(fallback: string, parse: Parse<T>): Variable<T>;
export function variable<T>(fallback: undefined, parse: Parse<T>): Variable<T | undefined>;
export function variable<T>(fallback: string | undefined, parse: Parse<T>): Variable<T | undefined> {
  return (name: string) =>
    z
      .string()
      .optional()
      .transform((given, context): T | undefined => {
        const text = given ?? fallback;
        if (text === undefined) return undefined;
        try {
          return parse(text, (rule, message) => {
            throw new ConfigError(name, message, rule);
          });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          context.addIssue({ code: 'custom', message: error.message, params: { rule: error.rule } });
          return z.NEVER;
        }
      });
}

/** A key of 32 random bytes in base64, unset by default (the app then keeps one in `DATA_DIR`). */
export const base64Key = (name: string) =>
  variable(undefined, (value, refuse) => {
    if (Buffer.from(value, 'base64').length !== 32)
      refuse('base64-32-bytes', `${name} must be 32 bytes in base64 (openssl rand -base64 32)`);
    return value;
  })(name);

export const text = (fallback: string) => variable(fallback, (value) => value);
export const optionalText = variable(undefined, (value) => value);

/** The rule of a TCP port, for variables that build on it. */
export const portRule = (name: string) => (value: string, refuse: Refuse) => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 65535)
    refuse('port', `${name}="${value}" is not a TCP port (1–65535): set ${name} to a free port`);
  return number;
};

export const port = (fallback: number) => (name: string) => variable(String(fallback), portRule(name))(name);
export const optionalPort = (name: string) => variable(undefined, portRule(name))(name);

export const flag = (name: string) =>
  variable(undefined, (value, refuse) => {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') refuse('boolean', `${name}="${lower}" must be true or false`);
    return lower === 'true';
  })(name);

const matchingRule = (name: string, pattern: RegExp, what: string) => (value: string, refuse: Refuse) => {
  if (!pattern.test(value)) refuse('pattern', `${name}="${value}" must be ${what}: change ${name}`);
  return value;
};

export const matching = (fallback: string, pattern: RegExp, what: string) => (name: string) =>
  variable(fallback, matchingRule(name, pattern, what))(name);
export const optionalMatching = (pattern: RegExp, what: string) => (name: string) =>
  variable(undefined, matchingRule(name, pattern, what))(name);

/** The rule of a positive whole number, at most `max` where one is given. */
export const positiveIntegerRule =
  (name: string, fallback: number, max?: number) => (value: string, refuse: Refuse) => {
    if (!/^[1-9]\d*$/.test(value))
      refuse(
        'positive-integer',
        `${name}="${value}" is not a positive whole number: set ${name}, e.g. ${fallback}`,
      );
    if (max !== undefined && Number(value) > max) refuse('max', `${name} must be ${max} or less`);
    return Number(value);
  };

export const positiveInteger = (fallback: number, max?: number) => (name: string) =>
  variable(String(fallback), positiveIntegerRule(name, fallback, max))(name);

/** A whole number within [min, max]; the message says the range and what 0 means where it means something. */
export const wholeNumberIn =
  (fallback: number, [min, max]: [number, number], zeroMeans?: string) =>
  (name: string) =>
    variable(String(fallback), (value, refuse) => {
      const number = Number(value);
      if (
        !/^\d+$/.test(value) ||
        (number !== 0 && (number < min || number > max)) ||
        (number === 0 && !zeroMeans)
      ) {
        const zero = zeroMeans ? ` or 0 (${zeroMeans})` : '';
        refuse('range', `${name}="${value}" must be a whole number from ${min} to ${max}${zero}`);
      }
      return number;
    })(name);

type Shape<V> = { [K in keyof V]: V[K] extends Variable<infer T> ? z.ZodType<T, string | undefined> : never };

/** The variables as one object schema, each named by its key, checked in the order they are listed. */
export function variables<V extends Record<string, Variable<unknown>>>(list: V): z.ZodObject<Shape<V>> {
  return z.object(
    Object.fromEntries(Object.entries(list).map(([name, build]) => [name, build(name)])),
  ) as never;
}

/** The environment as the schema reads it: trimmed, and an empty value is unset. */
export function given(env: Env, names: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, env[name]?.trim() || undefined]));
}

/** The first broken variable in the schema's order (its cross-checks at their variable), as a ConfigError. */
export function firstProblem(issues: readonly z.core.$ZodIssue[], names: readonly string[]): ConfigError {
  const rank = (issue: z.core.$ZodIssue) => names.indexOf(String(issue.path[0]));
  const [first] = [...issues].sort((a, b) => rank(a) - rank(b));
  const rule = (first as { params?: { rule?: string } } | undefined)?.params?.rule ?? 'invalid';
  return new ConfigError(String(first?.path[0]), first?.message ?? 'invalid configuration', rule);
}
