import { ValidationPipe } from '@nestjs/common';
import { fieldProblems, InvalidInput } from '@pelekan/modules';

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
