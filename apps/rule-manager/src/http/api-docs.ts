import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PROBLEM } from './api-schemas.js';

const PROBLEM_MEANING: Record<number, string> = {
  400: 'invalid input: each field and the rule it broke',
  401: 'no valid bearer token',
  403: 'a viewer token may only read',
  404: 'no such resource',
  409: 'taken, over a limit, or still in use',
  412: 'If-Match names a version that is no longer current',
  422:
    'a referenced group, instance or topic is missing, another region, an unsupported rule type, ' +
    'or a replay starting before the oldest retained event (RANGE_PAST_RETENTION)',
};

/** A resource's controller: its tag, and the bearer token every route needs. */
export const ApiResource = (tag: string) =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: PROBLEM_MEANING[401], schema: PROBLEM }),
  );

/** One operation: what it does and the problems it may answer. */
export const ApiCall = (summary: string, ...problems: number[]) =>
  applyDecorators(
    ApiOperation({ summary }),
    ...problems.map((status) =>
      ApiResponse({ status, description: PROBLEM_MEANING[status], schema: PROBLEM }),
    ),
  );

export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'the rule version last read (its ETag), e.g. "4"; a list ("3", "4") when any will do, * for whatever is current; a tag naming no current version (weak W/"4" included) is refused with 412',
  });
