import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

export function read(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

export function positiveInteger(env: Env, name: string, fallback: number): number {
  const text = read(env, name, String(fallback));
  if (!/^[1-9]\d*$/.test(text)) {
    throw new ConfigError(
      name,
      `${name}="${text}" is not a positive whole number: set ${name}, e.g. ${fallback}`,
    );
  }
  return Number(text);
}

/** A whole number within [min, max]; the message says the range and what 0 means where it means something. */
export function wholeNumberIn(
  env: Env,
  name: string,
  fallback: number,
  [min, max]: [number, number],
  zeroMeans?: string,
): number {
  const text = read(env, name, String(fallback));
  const value = Number(text);
  if (!/^\d+$/.test(text) || (value !== 0 && (value < min || value > max)) || (value === 0 && !zeroMeans)) {
    const zero = zeroMeans ? ` or 0 (${zeroMeans})` : '';
    throw new ConfigError(name, `${name}="${text}" must be a whole number from ${min} to ${max}${zero}`);
  }
  return value;
}
