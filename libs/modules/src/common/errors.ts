/**
 * Business refusals, free of any transport. The API's exception filter turns them into HTTP
 * answers; activities turn them into non-retryable Temporal failures.
 */
export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
  /** Where an uploaded spreadsheet holds the value: sheet name, row number (1-based) and column letter. */
  readonly sheet?: string;
  readonly row?: number | null;
  readonly column?: string | null;
  /** The reason in Persian, when the refusal is shown to a person (spreadsheet imports). */
  readonly reasonFa?: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is wrong; `problems` names each field and why. */
export class InvalidInput extends DomainError {
  readonly status = 400;
  constructor(
    readonly problems: FieldProblem[],
    message = problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
    details: Record<string, unknown> = {},
  ) {
    super(message, 'invalid_input', details);
  }

  static field(field: string, reason: string, details: Record<string, unknown> = {}): InvalidInput {
    return new InvalidInput([{ field, reason }], `${field}: ${reason}`, details);
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  constructor(what: string, id: string) {
    super(`${what} ${id} was not found`, 'not_found', { what, id });
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  constructor(message: string, code = 'forbidden', details: Record<string, unknown> = {}) {
    super(message, code, details);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  constructor(message = 'sign in first') {
    super(message, 'unauthorized');
  }
}

/** 409: the request is valid but the current state does not allow it. */
export class Conflict extends DomainError {
  readonly status = 409;
  constructor(message: string, code = 'conflict', details: Record<string, unknown> = {}) {
    super(message, code, details);
  }
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  constructor(message: string) {
    super(message, 'payload_too_large');
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  constructor(message: string) {
    super(message, 'unsupported_media_type');
  }
}

/** 503: a dependency (database, Temporal) is unreachable; retrying later is the right move. */
export class DependencyUnavailable extends DomainError {
  readonly status = 503;
  constructor(dependency: string, message: string) {
    super(message, 'dependency_unavailable', { dependency });
  }
}

/** 429: the caller sent too many requests; `retryAfterSeconds` says when to try again. */
export class TooManyRequests extends DomainError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'too_many_requests', { retryAfterSeconds });
  }
}

/** 503: this process is saturated (not a dependency); retry after `retryAfterSeconds`. */
export class ServiceBusy extends DomainError {
  readonly status = 503;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'busy', { retryAfterSeconds });
  }
}
