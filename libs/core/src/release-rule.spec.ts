import fc from 'fast-check';
import {
  assertInstallmentsWithin,
  assertRialsConserved,
  decideRemainder,
  InvalidReleaseFactsError,
  InvalidReleaseRuleError,
  nextInstallment,
  parseReleaseRule,
  parseReleaseTerms,
  releaseRuleToJson,
  releaseSummary,
  releaseTermsProblems,
  ReleaseInvariantError,
  type NextInstallment,
  type ReleaseFacts,
  type ReleaseItem,
  type ReleaseRule,
  type RemainderFacts,
} from './release-rule';

const NOW = new Date('2026-03-01T00:00:00Z');
const DUE = new Date('2026-06-01T00:00:00Z');
const AFTER_DUE = new Date('2026-06-01T00:00:00Z'); // "at dueAt" is due

const funded = (weight: number, verifiedPercent: number): ReleaseItem => ({ weight, verifiedPercent });
const gating = (verifiedPercent: number): ReleaseItem => ({ weight: 0, verifiedPercent, gating: true });
const facts = (amountRials: bigint, items: ReleaseItem[], installmentsRials: bigint[] = [], more: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  amountRials,
  items,
  installmentsRials,
  now: NOW,
  ...more,
});

/** Pays and records lapses until the rules say to wait or stop; returns the installments and whether it lapsed. */
function drain(rule: ReleaseRule, f: ReleaseFacts): { installments: bigint[]; lapsed: boolean; last: NextInstallment } {
  const installments = [...f.installmentsRials];
  let lapsed = f.lapsed ?? false;
  for (let i = 0; i < 10; i++) {
    const next = nextInstallment(rule, { ...f, installmentsRials: installments, lapsed });
    if (next.kind === 'pay') installments.push(next.amountRials);
    else if (next.kind === 'lapse') lapsed = true;
    else return { installments, lapsed, last: next };
  }
  throw new Error('the rules did not settle');
}

const BANDS = [
  { fromPercent: 80, payPercent: 100 },
  { fromPercent: 50, payPercent: 70 },
  { fromPercent: 30, payPercent: 40 },
];

describe('release rules: terms', () => {
  it('defaults to all_or_nothing without a due date', () => {
    expect(parseReleaseTerms({})).toEqual({ rule: { kind: 'all_or_nothing' }, dueAt: null });
  });

  it('parses each kind and writes it back as JSON exactly', () => {
    const rules = [
      { kind: 'all_or_nothing' },
      { kind: 'pro_rata', minInstallmentRials: '9007199254740993' },
      { kind: 'banded', bands: BANDS },
    ];
    for (const json of rules) expect(releaseRuleToJson(parseReleaseRule(json))).toEqual(json);
    expect(parseReleaseRule({ kind: 'pro_rata', minInstallmentRials: '9007199254740993' })).toEqual({
      kind: 'pro_rata',
      minInstallmentRials: 9007199254740993n,
    });
  });

  it('names the field and the reason of every problem at once', () => {
    const problems = releaseTermsProblems({
      releaseRule: {
        kind: 'banded',
        bands: [
          { fromPercent: 50, payPercent: 70 },
          { fromPercent: 80, payPercent: 100 },
          { fromPercent: 50, payPercent: 40 },
          { fromPercent: 30.5, payPercent: 101 },
          { fromPercent: 10, payPercent: 5, extra: 1 },
        ],
      },
    });
    expect(problems).toEqual([
      { field: 'releaseRule.bands[1].fromPercent', reason: 'must be below bands[0].fromPercent (50): bands go from the highest down' },
      { field: 'releaseRule.bands[1].payPercent', reason: 'must not exceed bands[0].payPercent (70): a lower band cannot pay more' },
      { field: 'releaseRule.bands[2].fromPercent', reason: 'duplicates bands[0].fromPercent (50)' },
      { field: 'releaseRule.bands[3].fromPercent', reason: 'must be a whole percent from 0 to 100' },
      { field: 'releaseRule.bands[3].payPercent', reason: 'must be a whole percent from 0 to 100' },
      { field: 'releaseRule.bands[4].extra', reason: 'is not a field of a band' },
      { field: 'dueAt', reason: 'is required for a banded release rule' },
    ]);
  });

  it.each([
    [{ kind: 'banded', bands: [] }, 'releaseRule.bands', 'must hold at least one band'],
    [{ kind: 'banded' }, 'releaseRule.bands', 'are required for a banded rule'],
    [{ kind: 'pro_rata' }, 'releaseRule.minInstallmentRials', 'is required for a pro_rata rule'],
    [{ kind: 'pro_rata', minInstallmentRials: 5 }, 'releaseRule.minInstallmentRials', 'must be whole rials as a decimal string'],
    [{ kind: 'pro_rata', minInstallmentRials: '0' }, 'releaseRule.minInstallmentRials', 'must be at least 1 rial'],
    [{ kind: 'pro_rata', minInstallmentRials: '5', bands: BANDS }, 'releaseRule.bands', 'is not a field of a pro_rata rule'],
    [{ kind: 'weekly' }, 'releaseRule.kind', 'must be one of all_or_nothing, pro_rata, banded'],
    ['pro_rata', 'releaseRule', 'must be an object with a kind'],
  ])('refuses %j', (releaseRule, field, reason) => {
    const problems = releaseTermsProblems({ releaseRule, dueAt: DUE.toISOString() });
    expect(problems).toEqual([{ field, reason }]);
  });

  it('checks the due date is an instant in the future', () => {
    expect(releaseTermsProblems({ dueAt: 'tomorrow' })).toEqual([{ field: 'dueAt', reason: 'must be an instant in ISO 8601' }]);
    expect(releaseTermsProblems({ dueAt: '2026-02-01T00:00:00Z' }, NOW)).toEqual([{ field: 'dueAt', reason: 'must be in the future' }]);
    expect(parseReleaseTerms({ releaseRule: { kind: 'banded', bands: BANDS }, dueAt: DUE.toISOString() }, NOW).dueAt).toEqual(DUE);
    expect(() => parseReleaseTerms({ releaseRule: { kind: 'banded', bands: BANDS } })).toThrow(InvalidReleaseRuleError);
    const refused = (() => {
      try {
        parseReleaseRule({ kind: 'banded', bands: [{ fromPercent: 101, payPercent: 1 }] });
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidReleaseRuleError);
    expect((refused as InvalidReleaseRuleError).problems).toEqual([
      { field: 'releaseRule.bands[0].fromPercent', reason: 'must be a whole percent from 0 to 100' },
    ]);
  });
});

describe('release rules: all_or_nothing', () => {
  const rule: ReleaseRule = { kind: 'all_or_nothing' };

  it('pays the whole amount once every gating item is 100% verified', () => {
    expect(nextInstallment(rule, facts(500n, [funded(10000, 0), gating(99)]))).toEqual({ kind: 'wait', wait: 'gate_closed', shortfallRials: 0n });
    expect(nextInstallment(rule, facts(500n, [funded(10000, 0), gating(100)]))).toEqual({ kind: 'pay', amountRials: 500n, final: true });
    expect(nextInstallment(rule, facts(500n, [gating(100)], [500n]))).toEqual({ kind: 'done', undisbursedRials: 0n });
  });

  it('lapses whole at its due date if the gate is closed', () => {
    const f = facts(500n, [funded(10000, 100), gating(40)], [], { dueAt: DUE, now: AFTER_DUE });
    expect(nextInstallment(rule, f)).toEqual({ kind: 'lapse', undisbursedRials: 500n });
    expect(nextInstallment(rule, { ...f, lapsed: true })).toEqual({ kind: 'done', undisbursedRials: 500n });
    expect(releaseSummary(rule, f)).toMatchObject({ earnedRials: 0n, releasedRials: 0n, undisbursedRials: 500n });
  });
});

describe('release rules: pro_rata', () => {
  const rule: ReleaseRule = { kind: 'pro_rata', minInstallmentRials: 1n };

  it('pays 1,000,003 rials in three installments as items 30 and 70 are verified (the worked example)', () => {
    const amount = 1_000_003n;
    const paid: bigint[] = [];
    const step = (v30: number, v70: number) => {
      const next = nextInstallment(rule, facts(amount, [funded(3000, v30), funded(7000, v70)], paid));
      if (next.kind === 'pay') paid.push(next.amountRials);
      return next;
    };
    expect(step(100, 0)).toEqual({ kind: 'pay', amountRials: 300_000n, final: false }); // floor(300,000.9)
    expect(step(100, 0)).toEqual({ kind: 'wait', wait: 'nothing_new_earned', shortfallRials: 0n });
    expect(releaseSummary(rule, facts(amount, [funded(3000, 100), funded(7000, 50)], paid)).earnedRials).toBe(650_001n);
    expect(step(100, 50)).toEqual({ kind: 'pay', amountRials: 350_001n, final: false });
    expect(step(100, 100)).toEqual({ kind: 'pay', amountRials: 350_002n, final: true });
    expect(paid).toEqual([300_000n, 350_001n, 350_002n]);
    expect(paid.reduce((a, b) => a + b)).toBe(amount);
    expect(step(100, 100)).toEqual({ kind: 'done', undisbursedRials: 0n });
  });

  it('waits for the gate, and for the minimum until the funded items are 100% verified', () => {
    const min: ReleaseRule = { kind: 'pro_rata', minInstallmentRials: 300n };
    expect(nextInstallment(min, facts(1000n, [funded(10000, 100), gating(50)]))).toMatchObject({ wait: 'gate_closed' });
    expect(nextInstallment(min, facts(1000n, [funded(10000, 29), gating(100)]))).toMatchObject({ wait: 'below_minimum' });
    expect(nextInstallment(min, facts(1000n, [funded(10000, 30)]))).toEqual({ kind: 'pay', amountRials: 300n, final: false });
    expect(nextInstallment(min, facts(1000n, [funded(10000, 100)], [300n, 300n, 300n]))).toEqual({ kind: 'pay', amountRials: 100n, final: true });
  });

  it('never pays negative when a verification goes down after payment, and shows the shortfall', () => {
    const items = [funded(5000, 40), funded(5000, 40)];
    const f = facts(1000n, items, [600n]);
    expect(nextInstallment(rule, f)).toEqual({ kind: 'wait', wait: 'shortfall', shortfallRials: 200n });
    expect(releaseSummary(rule, f)).toEqual({
      gateOpen: true,
      fundedVerifiedHundredths: 4000,
      earnedRials: 400n,
      releasedRials: 600n,
      payableRials: 0n,
      undisbursedRials: 0n,
      shortfallRials: 200n,
    });
    expect(nextInstallment(rule, facts(1000n, [funded(5000, 70), funded(5000, 60)], [600n]))).toEqual({ kind: 'pay', amountRials: 50n, final: false });
  });

  it('pays what is earned at its due date regardless of the minimum, then lapses the rest', () => {
    const min: ReleaseRule = { kind: 'pro_rata', minInstallmentRials: 500n };
    const f = facts(1000n, [funded(10000, 45)], [300n], { dueAt: DUE, now: AFTER_DUE });
    expect(nextInstallment(min, f)).toEqual({ kind: 'pay', amountRials: 150n, final: true });
    expect(releaseSummary(min, f)).toMatchObject({ payableRials: 150n, undisbursedRials: 550n });
    expect(nextInstallment(min, { ...f, installmentsRials: [300n, 150n] })).toEqual({ kind: 'lapse', undisbursedRials: 550n });
    // Once the lapse is recorded, later verification pays nothing.
    expect(nextInstallment(min, { ...f, items: [funded(10000, 100)], installmentsRials: [300n, 150n], lapsed: true })).toEqual({
      kind: 'done',
      undisbursedRials: 550n,
    });
    // With the gate closed at the due date nothing more pays.
    expect(nextInstallment(min, { ...f, items: [funded(10000, 45), gating(0)] })).toEqual({ kind: 'lapse', undisbursedRials: 700n });
  });

  it('refuses facts no database could hold', () => {
    expect(() => nextInstallment(rule, facts(1000n, [funded(10000, 101)]))).toThrow(InvalidReleaseFactsError);
    expect(() => nextInstallment(rule, facts(1000n, [funded(0, 50)]))).toThrow(InvalidReleaseFactsError);
    expect(() => nextInstallment(rule, facts(1000n, [gating(100)]))).toThrow(/at least one funded item/);
    expect(() => nextInstallment(rule, facts(1000n, [funded(10000, 100)], [600n, 600n]))).toThrow(ReleaseInvariantError);
  });
});

describe('release rules: banded', () => {
  const rule: ReleaseRule = { kind: 'banded', bands: BANDS };

  it('pays 70% at its due date at 65% verified and lapses 30%', () => {
    const f = facts(1_000_000n, [funded(5000, 100), funded(5000, 30)], [], { dueAt: DUE });
    expect(nextInstallment(rule, f)).toEqual({ kind: 'wait', wait: 'below_top_band', shortfallRials: 0n });
    const due = { ...f, now: AFTER_DUE };
    expect(nextInstallment(rule, due)).toEqual({ kind: 'pay', amountRials: 700_000n, final: true });
    expect(releaseSummary(rule, due)).toMatchObject({ fundedVerifiedHundredths: 6500, earnedRials: 700_000n, payableRials: 700_000n, undisbursedRials: 300_000n });
    const settled = drain(rule, due);
    expect(settled).toEqual({ installments: [700_000n], lapsed: true, last: { kind: 'done', undisbursedRials: 300_000n } });
    assertRialsConserved(1_000_000n, settled.installments, 300_000n);
    // An odd amount: the band pays the floor, the lapse the exact rest.
    const odd = drain(rule, { ...due, amountRials: 1_000_003n });
    expect(odd.installments).toEqual([700_002n]);
    expect(odd.last).toEqual({ kind: 'done', undisbursedRials: 300_001n });
  });

  it('pays as soon as the top band is reached, once', () => {
    const f = facts(1000n, [funded(10000, 80)], [], { dueAt: DUE });
    expect(nextInstallment(rule, f)).toEqual({ kind: 'pay', amountRials: 1000n, final: true });
    const topAt90: ReleaseRule = { kind: 'banded', bands: [{ fromPercent: 80, payPercent: 90 }] };
    expect(drain(topAt90, f)).toEqual({ installments: [900n], lapsed: true, last: { kind: 'done', undisbursedRials: 100n } });
  });

  it('compares the weighted percent exactly: 79.992% does not reach 80%', () => {
    const f = facts(1000n, [funded(1, 0), funded(9999, 80)], [], { dueAt: DUE });
    expect(nextInstallment(rule, f)).toMatchObject({ wait: 'below_top_band' });
    expect(releaseSummary(rule, f).fundedVerifiedHundredths).toBe(7999);
    expect(nextInstallment(rule, { ...f, now: AFTER_DUE })).toEqual({ kind: 'pay', amountRials: 700n, final: true });
  });

  it('pays nothing below the lowest band or with the gate closed', () => {
    const f = facts(1000n, [funded(10000, 29)], [], { dueAt: DUE, now: AFTER_DUE });
    expect(nextInstallment(rule, f)).toEqual({ kind: 'lapse', undisbursedRials: 1000n });
    expect(nextInstallment(rule, { ...f, items: [funded(10000, 100), gating(99)] })).toEqual({ kind: 'lapse', undisbursedRials: 1000n });
  });
});

describe('release rules: invariants', () => {
  it('asserts installments are above 0 and within the amount', () => {
    expect(assertInstallmentsWithin(10n, [3n, 7n])).toBe(10n);
    expect(() => assertInstallmentsWithin(10n, [3n, 8n])).toThrow(/exceed the tranche amount/);
    expect(() => assertInstallmentsWithin(10n, [3n, 0n])).toThrow(/installment 2 of 0 rials/);
    expect(() => assertInstallmentsWithin(10n, [-1n])).toThrow(ReleaseInvariantError);
    expect(() => assertRialsConserved(10n, [3n], 6n)).toThrow(/do not make the amount/);
  });
});

describe('release rules: the remainder of a lapsed tranche', () => {
  const base: RemainderFacts = {
    lapsed: { id: 't1', projectId: 'p', ruleKind: 'pro_rata', amountRials: 1000n, installmentsRials: [400n], lapsed: true },
    target: { id: 't2', projectId: 'p', state: 'waiting_on_items', amountRials: 500n, fundedBudgetRials: 2000n, dueAt: null, lapsed: false },
    project: { budgetRials: 5000n, committedRials: 1500n },
    now: NOW,
  };

  it('carries it forward into an open tranche of the same project', () => {
    expect(decideRemainder({ kind: 'carry_forward', targetTrancheId: 't2' }, base)).toEqual({
      ok: true,
      effects: { kind: 'carry_forward', trancheId: 't1', remainderRials: 600n, targetTrancheId: 't2', targetAmountRials: 1100n, committedRials: 1500n },
    });
  });

  it.each([
    ['t1', {}, 'target_is_self'],
    ['t9', {}, 'target_not_found'],
    ['t2', { projectId: 'q' }, 'target_other_project'],
    ['t2', { state: 'released' }, 'target_not_open'],
    ['t2', { state: 'approved' }, 'target_not_open'],
    ['t2', { dueAt: NOW }, 'target_lapsing'],
    ['t2', { fundedBudgetRials: 1099n }, 'over_item_budgets'],
  ] as const)('refuses carrying into %s %j: %s', (targetTrancheId, change, code) => {
    const result = decideRemainder({ kind: 'carry_forward', targetTrancheId }, { ...base, target: { ...base.target!, ...change } });
    expect(result).toMatchObject({ ok: false, refusal: { code, field: 'targetTrancheId' } });
  });

  it('returns it to the project budget', () => {
    expect(decideRemainder({ kind: 'return_to_budget' }, base)).toEqual({
      ok: true,
      effects: { kind: 'return_to_budget', trancheId: 't1', remainderRials: 600n, committedRials: 900n, uncommittedRials: 4100n },
    });
  });

  it('extends to a due date later than now, unless the tranche can pay no more', () => {
    const later = new Date('2026-09-01T00:00:00Z');
    expect(decideRemainder({ kind: 'extend', dueAt: later }, base)).toEqual({ ok: true, effects: { kind: 'extend', trancheId: 't1', dueAt: later } });
    expect(decideRemainder({ kind: 'extend', dueAt: NOW }, base)).toMatchObject({ ok: false, refusal: { code: 'due_not_later', field: 'dueAt' } });
    const banded = { ...base, lapsed: { ...base.lapsed, ruleKind: 'banded' as const } };
    expect(decideRemainder({ kind: 'extend', dueAt: later }, banded)).toMatchObject({ ok: false, refusal: { code: 'pays_no_more' } });
  });

  it('decides only a lapsed remainder that is more than 0', () => {
    expect(decideRemainder({ kind: 'return_to_budget' }, { ...base, lapsed: { ...base.lapsed, lapsed: false } })).toMatchObject({
      ok: false,
      refusal: { code: 'not_lapsed' },
    });
    expect(decideRemainder({ kind: 'return_to_budget' }, { ...base, lapsed: { ...base.lapsed, installmentsRials: [1000n] } })).toMatchObject({
      ok: false,
      refusal: { code: 'nothing_to_decide' },
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

type Step = { kind: 'verify'; item: number; percent: number } | { kind: 'gate'; percent: number } | { kind: 'due' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('verify' as const), item: fc.nat(4), percent: fc.integer({ min: 0, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gate' as const), percent: fc.constantFrom(0, 50, 100) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'due' as const }) },
);
const bandsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })
  .chain((froms) =>
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: froms.length, maxLength: froms.length }).map((pays) => {
      const from = [...froms].sort((a, b) => b - a);
      const pay = [...pays].sort((a, b) => b - a);
      return from.map((f, i) => ({ fromPercent: f, payPercent: pay[i] }));
    }),
  );
const ruleArb: fc.Arbitrary<ReleaseRule> = fc.oneof(
  fc.constant<ReleaseRule>({ kind: 'all_or_nothing' }),
  fc.bigInt({ min: 1n, max: 10n ** 12n }).map((min): ReleaseRule => ({ kind: 'pro_rata', minInstallmentRials: min })),
  bandsArb.map((bands): ReleaseRule => ({ kind: 'banded', bands })),
);

describe('release rules: properties', () => {
  it('installments are above 0 and within the amount through any ups and downs; every rial is accounted for', () => {
    fc.assert(
      fc.property(
        ruleArb,
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.array(fc.integer({ min: 1, max: 10000 }), { minLength: 1, maxLength: 5 }),
        fc.array(stepArb, { maxLength: 30 }),
        fc.boolean(),
        (rule, amount, weights, steps, timeBound) => {
          const verified = weights.map(() => 0);
          let gate = 100;
          let now = NOW;
          let installments: bigint[] = [];
          let lapsed = false;
          const dueAt = timeBound || rule.kind === 'banded' ? DUE : null;
          const current = (): ReleaseFacts => ({
            amountRials: amount,
            items: [...weights.map((w, i) => funded(w, verified[i])), gating(gate)],
            installmentsRials: installments,
            dueAt,
            now,
            lapsed,
          });
          const settle = () => {
            const before = installments.length;
            const out = drain(rule, current());
            for (const x of out.installments.slice(before)) expect(x > 0n).toBe(true);
            installments = out.installments;
            lapsed = out.lapsed;
            assertInstallmentsWithin(amount, installments);
            const summary = releaseSummary(rule, current());
            expect(summary.shortfallRials >= 0n).toBe(true);
            expect(summary.releasedRials + summary.payableRials + summary.undisbursedRials <= amount).toBe(true);
            if (out.last.kind === 'done') assertRialsConserved(amount, installments, out.last.undisbursedRials);
            if (out.last.kind === 'wait' && rule.kind === 'pro_rata') {
              expect(out.last.shortfallRials).toBe(summary.shortfallRials);
            }
          };
          for (const step of steps) {
            if (step.kind === 'verify') verified[step.item % weights.length] = step.percent;
            else if (step.kind === 'gate') gate = step.percent;
            else if (dueAt) now = AFTER_DUE;
            settle();
          }
          // Finally every item is 100% verified (or the due date passes): all is paid, or paid and lapsed, to the rial.
          verified.fill(100);
          gate = 100;
          settle();
          if (rule.kind !== 'banded' && !lapsed) {
            expect(installments.reduce((a, b) => a + b, 0n)).toBe(amount);
          }
          now = AFTER_DUE;
          settle();
          const end = nextInstallment(rule, current());
          expect(end.kind).toBe('done');
          if (end.kind === 'done') assertRialsConserved(amount, installments, end.undisbursedRials);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pro_rata installments are floors that never lose or invent a rial', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.array(fc.integer({ min: 1, max: 10000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }),
        (amount, weights, percents) => {
          const rule: ReleaseRule = { kind: 'pro_rata', minInstallmentRials: 1n };
          const items = weights.map((w, i) => funded(w, percents[i]));
          const first = nextInstallment(rule, facts(amount, items));
          const w = weights.reduce((a, b) => a + b, 0);
          const wv = weights.reduce((a, b, i) => a + b * percents[i], 0);
          const expected = (amount * BigInt(wv)) / (BigInt(w) * 100n);
          if (expected === 0n) expect(first.kind).toBe('wait');
          else expect(first).toMatchObject({ kind: 'pay', amountRials: expected });
          const paid = first.kind === 'pay' ? [first.amountRials] : [];
          const last = nextInstallment(rule, facts(amount, items.map((i) => ({ ...i, verifiedPercent: 100 })), paid));
          if (paid[0] === amount) expect(last).toEqual({ kind: 'done', undisbursedRials: 0n });
          else expect(last).toEqual({ kind: 'pay', amountRials: amount - (paid[0] ?? 0n), final: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});
