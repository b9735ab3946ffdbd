/**
 * Field checks over untrusted input (an HTTP body, a bus message). Each broken rule becomes a violation that names
 * the field and the rule, so an operator reading the error knows exactly what to change.
 */

export interface Violation {
  /** Dotted path of the field, e.g. `target.topic`. */
  field: string;
  /** Which rule it broke: `required`, `type`, `pattern`, `length`, `enum`, `prefix`, … */
  rule: string;
  message: string;
}

export type Input = Record<string, unknown>;

export function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldChecker {
  readonly violations: Violation[] = [];

  fail(field: string, rule: string, message: string): void {
    this.violations.push({ field, rule, message });
  }

  /** A required string (or optional when `optional`), returned only when it is a string. */
  string(input: Input, field: string, path = field, optional = false): string | undefined {
    const value = input[field];
    if (value === undefined || value === null) {
      if (!optional) this.fail(path, 'required', `${path} is required`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(path, 'type', `${path} must be a string`);
      return undefined;
    }
    return value;
  }

  object(input: Input, field: string): Input | undefined {
    const value = input[field];
    if (value === undefined || value === null) {
      this.fail(field, 'required', `${field} is required`);
      return undefined;
    }
    if (!isObject(value)) {
      this.fail(field, 'type', `${field} must be an object`);
      return undefined;
    }
    return value;
  }

  boolean(input: Input, field: string): boolean | undefined {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(field, 'type', `${field} must be true or false`);
    return typeof value === 'boolean' ? value : undefined;
  }

  pattern(value: string | undefined, path: string, pattern: RegExp, description: string): void {
    if (value !== undefined && !pattern.test(value)) {
      this.fail(path, 'pattern', `${path} "${value}" must be ${description}`);
    }
  }

  maxLength(value: string | undefined, path: string, max: number): void {
    if (value !== undefined && value.length > max) {
      this.fail(path, 'length', `${path} must be at most ${max} characters (got ${value.length})`);
    }
  }

  oneOf<T extends string>(value: string | undefined, path: string, allowed: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(path, 'enum', `${path} must be one of ${allowed.join(', ')} (got "${value}")`);
      return undefined;
    }
    return value as T;
  }

  /** Fields the API does not know are refused rather than silently ignored: a typo must not go unnoticed. */
  noUnknownFields(input: Input, known: readonly string[], prefix = ''): void {
    for (const key of Object.keys(input)) {
      if (!known.includes(key)) this.fail(prefix + key, 'unknown', `${prefix + key} is not a known field`);
    }
  }
}
