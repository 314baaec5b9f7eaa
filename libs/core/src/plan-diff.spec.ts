import { diffPlans, isEmptyDiff, type PlanItemSnapshot } from './plan-diff';

const item = (code: string, over: Partial<PlanItemSnapshot> = {}): PlanItemSnapshot => ({
  code,
  titleFa: `بند ${code}`,
  titleEn: `Item ${code}`,
  ownerAgencyId: 'a',
  weightHundredths: 2500,
  plannedStart: '2026-01-01T00:00:00Z',
  plannedEnd: '2026-06-01T00:00:00Z',
  budgetRials: '100',
  ...over,
});

describe('diffPlans', () => {
  it('reports added, removed and changed items and links', () => {
    const before = { items: [item('1'), item('2'), item('3')], links: [{ from: '1', to: '3' }] };
    const after = {
      items: [item('1', { weightHundredths: 5000 }), item('3'), item('4')],
      links: [{ from: '1', to: '4' }],
    };
    const diff = diffPlans(before, after);
    expect(diff.addedItems.map((i) => i.code)).toEqual(['4']);
    expect(diff.removedItems.map((i) => i.code)).toEqual(['2']);
    expect(diff.changedItems).toEqual([{ code: '1', field: 'weightHundredths', before: 2500, after: 5000 }]);
    expect(diff.addedLinks).toEqual([{ from: '1', to: '4' }]);
    expect(diff.removedLinks).toEqual([{ from: '1', to: '3' }]);
  });

  it('treats the same instant written two ways as unchanged', () => {
    const before = { items: [item('1')], links: [] };
    const after = { items: [item('1', { plannedStart: '2026-01-01T00:00:00.000Z' })], links: [] };
    expect(isEmptyDiff(diffPlans(before, after))).toBe(true);
  });
});
