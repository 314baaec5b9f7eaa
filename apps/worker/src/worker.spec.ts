import { ApplicationFailure } from '@temporalio/common';
import { Conflict, DependencyUnavailable } from '@pelekan/modules';
import { activitiesOf, asActivityFailure } from './worker';

describe('activity failures', () => {
  it('turns a business refusal into a non-retryable failure carrying its code', () => {
    const failure = asActivityFailure(new Conflict('the gate is closed', 'gate_closed'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'gate_closed', message: 'the gate is closed' });
  });

  it('leaves infrastructure errors to the retry policy', () => {
    const down = new Error('connect ECONNREFUSED');
    expect(asActivityFailure(down)).toBe(down);
    const unavailable = new DependencyUnavailable('database', 'PostgreSQL is not answering');
    expect(asActivityFailure(unavailable)).toBe(unavailable);
  });

  it('wraps every bound activity', async () => {
    const impl = { refuse: async () => { throw new Conflict('no', 'held'); } };
    await expect(activitiesOf(impl, ['refuse']).refuse()).rejects.toMatchObject({ nonRetryable: true, type: 'held' });
  });
});
