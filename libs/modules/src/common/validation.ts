import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';
import { RIALS_PATTERN } from '@pelekan/core';

/**
 * Whole, non-negative rials as a decimal string ("2500000000"): validated and documented in one
 * place, so the OpenAPI schema states the same rule the server enforces.
 */
export const IsRials = (description = 'Whole rials as a decimal string') =>
  applyDecorators(
    Matches(RIALS_PATTERN, {
      message: '$property must be a whole, non-negative number of rials written as a decimal string, e.g. "2500000000"',
    }),
    ApiProperty({ type: String, pattern: RIALS_PATTERN.source, example: '2500000000', description }),
  );

/** A UTC instant in ISO 8601 ("2025-03-20T20:30:00Z"). */
export const IsInstant = (description = 'UTC instant, ISO 8601') =>
  applyDecorators(
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO 8601 instant, e.g. 2025-03-20T20:30:00Z' }),
    ApiProperty({ type: String, format: 'date-time', description }),
  );
