import {
  baselineBeforeRevision,
  isFiledPlanBaseline,
  isPlanLocked,
  nextBaselineNumber,
  type PlanContext,
  planItemRows,
  planRefusal,
  type PlanRequest,
  planSnapshot,
  proposalSnapshot,
  revisionOwners,
  revisionRefusal,
} from './plan';

const dates = { plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z' };
const item = (code: string, weight: number, over: Partial<PlanRequest['items'][number]> = {}) => ({
  code,
  titleFa: `بند ${code}`,
  titleEn: `Item ${code}`,
  weight,
  ...dates,
  budgetRials: '100',
  ...over,
});
const ctx: PlanContext = { leadAgencyId: 'lead', projectAgencyIds: new Set(['lead', 'other']), budgetRials: 1000n };

describe('planItemRows', () => {
  it('turns a request into rows: hundredths, instants, rials, the lead agency as default owner', () => {
    const rows = planItemRows({ items: [item('A', 12.5), item('B', 87.5, { ownerAgencyId: 'other', budgetRials: '7' })], links: [] }, 'lead');
    expect(rows).toEqual([
      expect.objectContaining({ code: 'A', ownerAgencyId: 'lead', weightHundredths: 1250, budgetRials: 100n, plannedStart: new Date(dates.plannedStart) }),
      expect.objectContaining({ code: 'B', ownerAgencyId: 'other', weightHundredths: 8750, budgetRials: 7n, plannedEnd: new Date(dates.plannedEnd) }),
    ]);
    expect(planItemRows({ items: [item('A', 100)], links: [] }, null)[0].ownerAgencyId).toBe('');
  });

  it('gives stored rows and a proposal the same snapshot', () => {
    const plan = { items: [item('A', 100, { plannedStart: '2030-01-01T00:00:00.000Z' })], links: [{ from: 'A', to: 'A' }] };
    const snapshot = proposalSnapshot(plan, 'lead');
    expect(snapshot).toEqual(planSnapshot(planItemRows(plan, 'lead'), plan.links));
    expect(snapshot.items[0]).toEqual({
      code: 'A',
      titleFa: 'بند A',
      titleEn: 'Item A',
      ownerAgencyId: 'lead',
      weightHundredths: 10000,
      plannedStart: '2030-01-01T00:00:00.000Z',
      plannedEnd: '2030-06-01T00:00:00.000Z',
      budgetRials: '100',
    });
  });
});

describe('planRefusal', () => {
  it('accepts a sound plan', () => {
    expect(planRefusal({ items: [item('1', 40), item('2', 60)], links: [{ from: '1', to: '2' }] }, ctx)).toBeNull();
  });

  it('reports every field problem at once', () => {
    const refusal = planRefusal(
      {
        items: [
          item('1', 40, { plannedEnd: dates.plannedStart }),
          item('1', 30, { ownerAgencyId: 'stranger', budgetRials: '950' }),
        ],
        links: [{ from: '1', to: '9' }, { from: '1', to: '9' }],
      },
      ctx,
    );
    expect(refusal?.cycle).toBeUndefined();
    expect(refusal?.problems).toEqual([
      { field: 'items[0].plannedEnd', reason: 'must be after plannedStart' },
      { field: 'items[1].code', reason: 'duplicate code "1"' },
      { field: 'items[1].ownerAgencyId', reason: 'is not the lead or a collaborating agency of this project' },
      { field: 'items', reason: 'weights sum to 70.00; they must sum to exactly 100' },
      { field: 'items', reason: 'item budgets sum to 1050 rials, more than the project budget of 1000' },
      { field: 'links[0].to', reason: 'no item with code "9"' },
      { field: 'links[1].to', reason: 'no item with code "9"' },
      { field: 'links[1]', reason: 'duplicate link 1 → 9' },
    ]);
  });

  it('asks for an owner when the project has no lead agency, and ignores the budget when it has none', () => {
    const refusal = planRefusal({ items: [item('1', 100, { budgetRials: '99999' })], links: [] }, { ...ctx, leadAgencyId: null, budgetRials: null });
    expect(refusal?.problems).toEqual([{ field: 'items[0].ownerAgencyId', reason: 'the project has no lead agency; name the owner' }]);
  });

  it('names a cycle on its own', () => {
    const refusal = planRefusal(
      { items: [item('1', 50), item('2', 50)], links: [{ from: '1', to: '2' }, { from: '2', to: '1' }] },
      ctx,
    );
    expect(refusal).toEqual({ problems: [{ field: 'links', reason: 'the links form a cycle: 1 → 2 → 1' }], cycle: ['1', '2', '1'] });
  });
});

describe('plans money hangs on', () => {
  const current = proposalSnapshot({ items: [item('A', 50), item('B', 50, { ownerAgencyId: 'other' })], links: [] }, 'lead');
  const rows = (plan: PlanRequest) => planItemRows(plan, 'lead');

  it('locks a plan with tranches or declarations', () => {
    expect(isPlanLocked({ hasTranches: false, hasDeclarations: false })).toBe(false);
    expect(isPlanLocked({ hasTranches: true, hasDeclarations: false })).toBe(true);
    expect(isPlanLocked({ hasTranches: false, hasDeclarations: true })).toBe(true);
  });

  it('refuses removing a funded item', () => {
    const refusal = revisionRefusal(rows({ items: [item('A', 100)], links: [] }), [], current, [{ code: 'B', trancheNumber: 2, trancheState: 'released' }], []);
    expect(refusal).toEqual({ field: 'items', reason: 'items funded by tranches cannot be removed: B (tranche 2, released)' });
  });

  it("keeps an open tranche's owners and its basis", () => {
    const open = [{ number: 1, amountRials: 150n, codes: ['A', 'B'] }];
    const moved = rows({ items: [item('A', 50, { ownerAgencyId: 'other' }), item('B', 50, { ownerAgencyId: 'other' })], links: [] });
    expect(revisionRefusal(moved, [], current, [], open)?.reason).toBe(
      'item A is funded by open tranche 1; its owner agency cannot change until the tranche is released or rejected',
    );
    const cut = rows({ items: [item('A', 50, { budgetRials: '40' }), item('B', 50, { ownerAgencyId: 'other' })], links: [] });
    expect(revisionRefusal(cut, [], current, [], open)?.reason).toBe(
      'open tranche 1 commits 150 rials to items A, B; their budgets (140) cannot fall below it',
    );
    const same = rows({ items: [item('A', 50), item('B', 50, { ownerAgencyId: 'other' })], links: [] });
    expect(revisionRefusal(same, [], current, [], open)).toBeNull();
  });

  it('refuses a link between two items one pending tranche funds, not a released one', () => {
    const plan = rows({ items: [item('A', 50), item('B', 50, { ownerAgencyId: 'other' })], links: [] });
    const link = [{ from: 'A', to: 'B' }];
    const funded = (state: 'held' | 'released') => [
      { code: 'A', trancheNumber: 3, trancheState: state },
      { code: 'B', trancheNumber: 3, trancheState: state },
    ];
    expect(revisionRefusal(plan, link, current, funded('held'), [])).toEqual({
      field: 'links',
      reason: 'tranche 3 funds both A and B; the link A → B would gate a tranche on its own item',
    });
    expect(revisionRefusal(plan, link, current, funded('released'), [])).toBeNull();
  });

  it('names the owners a revision touches, before and after', () => {
    const after = proposalSnapshot(
      { items: [item('A', 40, { ownerAgencyId: 'third' }), item('C', 60, { ownerAgencyId: 'fourth' })], links: [] },
      'lead',
    );
    expect(revisionOwners(current, after).sort()).toEqual(['fourth', 'lead', 'other', 'third']);
    expect(revisionOwners(current, current)).toEqual([]);
  });
});

describe('baselines', () => {
  it('numbers baselines after the plan as filed', () => {
    expect(nextBaselineNumber(0)).toBe(2);
    expect(nextBaselineNumber(2)).toBe(3);
    expect(isFiledPlanBaseline(1, 0)).toBe(true);
    expect(isFiledPlanBaseline(1, 2)).toBe(false);
    expect(isFiledPlanBaseline(2, 0)).toBe(false);
  });

  it('compares an approved revision with the baseline before it, any other with the plan as it stands', () => {
    expect(baselineBeforeRevision({ status: 'approved', baselineNumber: 3 })).toBe(2);
    expect(baselineBeforeRevision({ status: 'pending', baselineNumber: null })).toBeNull();
    expect(baselineBeforeRevision({ status: 'rejected', baselineNumber: null })).toBeNull();
  });
});
