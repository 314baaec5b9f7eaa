import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './errors';

/** `items[2].weight` style paths for nested DTO errors (the API's validation pipe and the spreadsheet import both use it). */
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
