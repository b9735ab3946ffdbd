import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import * as z from 'zod';
import { parseClientId } from '#libs/presence';
import { parseInput, RulesError } from '#libs/rules';
import { openApiSchema } from './api-schemas.js';

/**
 * Query parameters, path parameters and the small bodies of the read and resend routes, each described once as a
 * zod schema: validation, the problem's field and rule, and the OpenAPI parameters come from it.
 */

type Message = string | ((input: unknown) => string);

/** A broken rule whose message follows the field name (`bare` when the message names the field itself). */
const refusal = (rule: string, message: Message, bare = false) => ({
  error: typeof message === 'string' ? message : (issue: { input?: unknown }) => message(issue.input),
  params: { rule, bare },
});

/**
 * A query value as Express gives it: a string, or an array or object for `?a=1&a=2` / `?a[b]=1`, which the
 * checks below read as its text, as they always have.
 */
const queryValue = z.custom<string>().optional().meta({ type: 'string' });

/** A filter compared as it is: anything else than a stored value matches nothing. */
export const filterParam = queryValue;

/** A whole number from 1 to `max`; `fallback` when absent. */
export const count = (fallback: number, max: number) =>
  queryValue
    .refine(
      (value) =>
        value === undefined || (/^\d+$/.test(String(value)) && Number(value) >= 1 && Number(value) <= max),
      refusal('range', `must be a whole number from 1 to ${max}`),
    )
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .describe(`a whole number from 1 to ${max}; ${fallback} when absent`);

const TIME = 'epoch milliseconds or an ISO 8601 time';
const epochMs = (value: string) => (/^\d+$/.test(value) ? Number(value) : Date.parse(value));

/** A time: epoch milliseconds or ISO 8601; `fallback` when absent. */
export const time = (fallback: number) =>
  queryValue
    .refine(
      (value) => value === undefined || !Number.isNaN(epochMs(String(value))),
      refusal('format', `must be ${TIME}`),
    )
    .transform((value) => (value === undefined ? fallback : epochMs(String(value))))
    .describe(TIME);

/** A time a body must give, as a number or a string. */
export const requiredTime = z
  .custom<string | number>((value) => typeof value === 'string' || typeof value === 'number', {
    ...refusal('required', `is required: ${TIME}`),
    abort: true,
  })
  .refine((value) => !Number.isNaN(epochMs(String(value))), refusal('format', `must be ${TIME}`))
  .transform((value) => epochMs(String(value)))
  .meta({ anyOf: [{ type: 'string' }, { type: 'integer' }], description: TIME });

/** A client ID, normalised. */
export const clientId = z
  .unknown()
  .transform((value, context) => {
    const parsed = typeof value === 'string' ? parseClientId(value) : undefined;
    if (parsed?.ok) return parsed.clientId;
    const problem = parsed ? parsed.problem : 'must be a string';
    context.addIssue({
      code: 'custom',
      message: `${problem}: <GroupID>@@@<DeviceID>, ≤ 64 characters`,
      params: { rule: 'pattern' },
    });
    return z.NEVER;
  })
  .meta({ type: 'string', description: '<GroupID>@@@<DeviceID>, ≤ 64 characters' });

/** A string the pattern accepts, or a refusal with `message` whatever was sent. */
export const matchingParam = (pattern: RegExp, rule: string, message: Message, bare = false) =>
  z
    .custom<string>((value) => typeof value === 'string' && pattern.test(value), refusal(rule, message, bare))
    .meta({ type: 'string', pattern: pattern.source });

/** One of `values`, or a refusal saying which. */
export const oneOfParam = <T extends string>(values: readonly T[], message: string) =>
  z
    .custom<T>((value) => (values as readonly unknown[]).includes(value), refusal('enum', message))
    .meta({ type: 'string', enum: [...values] });

/** A client ID from a path, normalised; a 400 naming `field` when it is not one. */
export const checkedClientId = (value: unknown, field = 'clientId'): string =>
  parseParams(z.object({ [field]: clientId }), { [field]: value })[field] as string;

/**
 * The parameters, or a 400 naming the first one broken: these routes have always answered one problem at a time,
 * in the order the parameters are declared.
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  try {
    return parseInput(schema, input);
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    throw new RulesError(error.code, error.violations.slice(0, 1));
  }
}

/** The OpenAPI query parameters of a query schema. */
export function ApiQueries(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({
        name,
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: openApiSchema(field as z.ZodType),
      }),
    ),
  );
}
