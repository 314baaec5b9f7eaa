import type { VerificationRefusal } from '@pelekan/core';
import { Conflict, DomainError, Forbidden, InvalidInput } from '../common/errors';

/** Throws the domain error of a core refusal, if there is one. */
export function refuse(refusal: VerificationRefusal | null): void {
  if (refusal) throw toError(refusal);
}

/** The ruling, or the domain error of the core's refusal. */
export function ruled<T extends object>(outcome: T | VerificationRefusal): T {
  if ('kind' in outcome) throw toError(outcome);
  return outcome;
}

export function toError(refusal: VerificationRefusal): DomainError {
  switch (refusal.kind) {
    case 'invalid':
      return InvalidInput.field(refusal.field, refusal.message);
    case 'forbidden':
      return new Forbidden(refusal.message, refusal.code);
    case 'conflict':
      return new Conflict(refusal.message, refusal.code);
  }
}
