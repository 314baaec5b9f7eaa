import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Conflict, InvalidInput } from '../common/errors';
import type { AppConfig } from '../config';
import type { Database } from '../database/database';
import { EscalationSweep } from './escalation-sweep';
import type { EscalationSweepRepository, SweepCounts } from './escalation-sweep.repository';

const AT = '2026-05-10T12:00:00.000Z';
const COUNTS: SweepCounts = { examined: 3, stalled: 2, opened: 1, climbed: 1, resolved: 0, notified: 4 };

function sweepWith(recorded: { at: Date } | null) {
  const tx = {} as EntityManager;
  const db = { transaction: (work: (m: EntityManager) => Promise<unknown>) => work(tx) } as unknown as Database;
  const repo = {
    lockSweeps: jest.fn(async () => undefined),
    findRun: jest.fn(async () => (recorded ? { sweepId: 'old', ...COUNTS, ...recorded } : null)),
    latestCutoffs: jest.fn(async () => [new Date('2026-05-10T11:59:54.000Z')]),
    startRun: jest.fn(async () => 'new'),
    apply: jest.fn(async () => COUNTS),
    finishRun: jest.fn(async () => undefined),
  };
  const stages = { apply: jest.fn(async () => ({ breached: 1, opened: 1, climbed: 0, resolved: 0, notified: 2 })) };
  const config = { ESCALATION_PERIOD: '3 seconds', STAGE_LIMITS: 'tranche_paid=2d', APPEAL_DEADLINE: '30 days' } as AppConfig;
  const sweep = new EscalationSweep(db, repo as unknown as EscalationSweepRepository, stages, config);
  return { sweep, repo, stages };
}

describe('the escalation sweep activity', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sweeps at the requested instant against a cutoff one period earlier and the last run’s cutoffs, and records the run', async () => {
    const { sweep, repo, stages } = sweepWith(null);
    await expect(sweep.run({ runKey: 'run-1', at: AT })).resolves.toEqual({ sweepId: 'new', ...COUNTS });
    const clock = {
      at: new Date(AT),
      cutoff: new Date('2026-05-10T11:59:57.000Z'),
      levelCutoffs: ['2026-05-10T11:59:57.000Z', '2026-05-10T11:59:54.000Z', '2026-05-10T11:59:51.000Z'].map((d) => new Date(d)),
      previousCutoffs: [new Date('2026-05-10T11:59:54.000Z')],
    };
    expect(repo.startRun).toHaveBeenCalledWith(expect.anything(), 'run-1', clock, 3);
    expect(repo.apply).toHaveBeenCalledWith(expect.anything(), 'new', clock);
    // The stages past their limit, in the same run and transaction, by the configured limits.
    expect(stages.apply).toHaveBeenCalledWith(expect.anything(), 'new', clock, expect.objectContaining({ tranche_paid: 2 * 86_400_000, appeal_decided: 30 * 86_400_000 }));
  });

  it('answers a retried run with the run already recorded', async () => {
    const { sweep, repo, stages } = sweepWith({ at: new Date(AT) });
    await expect(sweep.run({ runKey: 'run-1', at: AT })).resolves.toEqual({ sweepId: 'old', ...COUNTS });
    expect(repo.apply).not.toHaveBeenCalled();
    expect(stages.apply).not.toHaveBeenCalled();
  });

  it('refuses, as business errors (not retried), a request it cannot read or a run key reused for another instant', async () => {
    await expect(sweepWith(null).sweep.run({ runKey: 'run-1', at: 'yesterday' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(sweepWith(null).sweep.run({ runKey: ' ', at: AT })).rejects.toBeInstanceOf(InvalidInput);
    await expect(sweepWith({ at: new Date('2026-04-10T12:00:00Z') }).sweep.run({ runKey: 'run-1', at: AT })).rejects.toBeInstanceOf(Conflict);
  });
});
