import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldProblem, InvalidInput, isTemporalUnreachable } from '@pelekan/modules';

/** The one shape of every error answer. No stack traces, no SQL, no secrets. */
export interface Problem {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  errors?: FieldProblem[];
  details?: Record<string, unknown>;
}

const PG_TO_HTTP: Record<string, [number, string]> = {
  '22P02': [400, 'a value has the wrong format'],
  '22003': [400, 'a number is out of range'],
  '22001': [400, 'a text value is too long'],
  '23502': [400, 'a required value is missing'],
  '23503': [409, 'a referenced record does not exist or is still in use'],
  '23505': [409, 'a record with the same key already exists'],
  '23514': [400, 'a value breaks a rule of the data'],
  '23P01': [409, 'a record overlaps an existing one'],
  '40001': [409, 'a concurrent change got in the way; try again'],
  '40P01': [409, 'a concurrent change got in the way; try again'],
};

/** The database gave up waiting (statement_timeout, lock_timeout): the request may succeed shortly. */
const PG_BUSY: Record<string, string> = {
  '57014': 'the database took too long to answer; try again shortly',
  '55P03': 'the record is being changed by someone else; try again shortly',
};

const HTTP_CODES: Record<number, string> = {
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** The error code a pg or Node error carries, on itself or on TypeORM's wrapped driver error. */
function errorCode(error: unknown): string | undefined {
  const facts = error as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = facts?.code ?? facts?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Connection-level failures of PostgreSQL: the request may succeed once it is back. */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300'].includes(code ?? '') ||
    (typeof code === 'string' && code.startsWith('08')) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      error instanceof Error ? error.message : '',
    )
  );
}

export function toProblem(exception: unknown): Problem {
  const problem = (statusCode: number, code: string, message: string, extra: Partial<Problem> = {}): Problem => ({
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    code,
    message,
    ...extra,
  });

  if (exception instanceof InvalidInput) {
    return problem(400, exception.code, exception.message, {
      errors: exception.problems,
      ...(Object.keys(exception.details).length ? { details: exception.details } : {}),
    });
  }
  if (exception instanceof DomainError) {
    return problem(exception.status, exception.code, exception.message, {
      ...(Object.keys(exception.details).length ? { details: exception.details } : {}),
    });
  }
  // Errors raised by Fastify itself before a route runs: bad JSON, wrong content type, body too large.
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.code?.startsWith('FST_')) {
    const status = fastifyError.statusCode;
    const field = status === 400 ? [{ field: 'body', reason: bodyReason(fastifyError.code) }] : undefined;
    return problem(status, fastifyError.code.toLowerCase(), bodyReason(fastifyError.code) ?? fastifyError.message ?? '', {
      ...(field ? { errors: field } : {}),
    });
  }
  if (exception instanceof HttpException) {
    // Nest turns Fastify's own errors (bad JSON, wrong content type, body too large) into these.
    const status = exception.getStatus();
    const body = exception.getResponse();
    const said = typeof body === 'string' ? body : (body as { message?: unknown } | null)?.message;
    const message: string = Array.isArray(said) ? said.join('; ') : typeof said === 'string' ? said : exception.message;
    if (status === 400) {
      const reason = /not valid JSON/i.test(message)
        ? bodyReason('FST_ERR_CTP_INVALID_JSON_BODY')
        : /cannot be empty/i.test(message)
          ? bodyReason('FST_ERR_CTP_EMPTY_JSON_BODY')
          : message;
      return problem(400, 'bad_request', reason, { errors: [{ field: 'body', reason }] });
    }
    return problem(status, HTTP_CODES[status] ?? `http_${status}`, message);
  }
  if (isTemporalUnreachable(exception)) {
    return problem(503, 'dependency_unavailable', 'the workflow service is unreachable; try again shortly', {
      details: { dependency: 'temporal' },
    });
  }
  if (isDatabaseUnavailable(exception)) {
    // The pool's acquire timeout: every connection is busy, the server itself is fine.
    const saturated = /timeout exceeded when trying to connect/i.test((exception as Error)?.message ?? '');
    return problem(503, 'dependency_unavailable', saturated ? 'the database is busy; try again shortly' : 'the database is unreachable; try again shortly', {
      details: { dependency: 'database', ...(saturated ? { reason: 'pool_exhausted' } : {}) },
    });
  }
  const busyCode = errorCode(exception);
  if (busyCode && PG_BUSY[busyCode]) {
    return problem(503, 'dependency_unavailable', PG_BUSY[busyCode], { details: { dependency: 'database', reason: `db_${busyCode}` } });
  }
  if (exception instanceof QueryFailedError) {
    const pgCode = errorCode(exception);
    const mapped = pgCode ? PG_TO_HTTP[pgCode] : undefined;
    if (mapped) return problem(mapped[0], `db_${pgCode}`, mapped[1]);
  }
  return problem(500, 'internal', 'an unexpected error happened; it has been logged');
}

function bodyReason(code: string): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the body length does not match Content-Length';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty but its content type says JSON';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is too large';
    default:
      return 'the request body could not be read';
  }
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = toProblem(exception);
    if (problem.statusCode >= 500) {
      const request = host.switchToHttp().getRequest();
      this.logger.error(
        `${request?.method} ${request?.url} → ${problem.statusCode}: ${(exception as Error)?.message}`,
        (exception as Error)?.stack,
      );
    }
    const retryAfter = problem.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    else if (problem.statusCode === 503) reply.header('retry-after', '5');
    reply.status(problem.statusCode).send(problem);
  }
}
