import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInput } from '@pelekan/modules';

/** `items[2].weight` style paths for nested DTO errors. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    if (constraints.length > 0 && error.value === undefined && !('whitelistValidation' in (error.constraints ?? {}))) {
      return [{ field: path, reason: 'is required' }, ...fieldProblems(error.children ?? [], path)];
    }
    const own = constraints.map(([constraint, message]) => ({
      field: path,
      reason: constraint === 'whitelistValidation' ? 'is not a known field' : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], path)];
  });
}

/** Every body and query is validated against its DTO; unknown fields are refused, not silently dropped. */
export function pelekanValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInput(fieldProblems(errors)),
  });
}
