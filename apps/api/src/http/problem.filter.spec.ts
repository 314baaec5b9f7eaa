import { QueryFailedError } from 'typeorm';
import { InvalidInput, ServiceBusy, TooManyRequests } from '@pelekan/modules';
import { toProblem } from './problem.filter';

const pgError = (code: string, message = 'x') => new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('problems', () => {
  it('answers a database that gave up waiting with 503, never 500', () => {
    expect(toProblem(pgError('57014', 'canceling statement due to statement timeout'))).toMatchObject({
      statusCode: 503,
      code: 'dependency_unavailable',
      details: { dependency: 'database', reason: 'db_57014' },
    });
    expect(toProblem(pgError('55P03', 'canceling statement due to lock timeout'))).toMatchObject({ statusCode: 503 });
    expect(toProblem(new Error('timeout exceeded when trying to connect'))).toMatchObject({
      statusCode: 503,
      message: expect.stringContaining('busy'),
      details: { dependency: 'database', reason: 'pool_exhausted' },
    });
  });

  it('carries Retry-After seconds for rate limits and a saturated process', () => {
    expect(toProblem(new TooManyRequests('slow down', 42))).toMatchObject({ statusCode: 429, details: { retryAfterSeconds: 42 } });
    expect(toProblem(new ServiceBusy('busy', 1))).toMatchObject({ statusCode: 503, code: 'busy', details: { retryAfterSeconds: 1 } });
  });

  it('names the field of bad input', () => {
    expect(toProblem(InvalidInput.field('nameFa', 'contains a NUL'))).toMatchObject({ statusCode: 400, errors: [{ field: 'nameFa' }] });
  });
});
