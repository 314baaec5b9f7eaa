import { findCycle } from './action-chain';
import { formatJalali, toJalali } from './jalali';
import {
  dayInstant,
  draftLinks,
  draftToRequest,
  groupDigits,
  parseTypedDay,
  planLinkCycle,
  rialsInUnit,
  typedAmountToRials,
  typedWeightHundredths,
  weightTotal,
  type PlanDraftRow,
} from './plan-editor';

describe('plan editor: amounts in rials or toman', () => {
  it('reads typed rials exactly, with separators and Persian digits', () => {
    expect(typedAmountToRials('1,250,000', 'rials')).toBe('1250000');
    expect(typedAmountToRials('۱٬۲۵۰٬۰۰۰', 'rials')).toBe('1250000');
    expect(typedAmountToRials('9999999999999999999', 'rials')).toBe('9999999999999999999');
    expect(typedAmountToRials('10000000000000000000', 'rials')).toBeNull();
    for (const bad of ['', '12.5', '-3', '1e6', 'abc']) expect(typedAmountToRials(bad, 'rials')).toBeNull();
  });

  it('converts toman to rials exactly (1 toman = 10 rials; one decimal at most)', () => {
    expect(typedAmountToRials('125000', 'toman')).toBe('1250000');
    expect(typedAmountToRials('12.5', 'toman')).toBe('125');
    expect(typedAmountToRials('۱۲٫۵', 'toman')).toBe('125');
    expect(typedAmountToRials('999999999999999999.9', 'toman')).toBe('9999999999999999999');
    expect(typedAmountToRials('12.55', 'toman')).toBeNull();
  });

  it('shows rials in either unit and back without loss', () => {
    expect(rialsInUnit('1234', 'toman')).toBe('123.4');
    expect(rialsInUnit('1230', 'toman')).toBe('123');
    expect(rialsInUnit('7', 'toman')).toBe('0.7');
    expect(rialsInUnit('1234', 'rials')).toBe('1234');
    for (const r of ['0', '5', '10', '123456789012345678', '9999999999999999999']) {
      expect(typedAmountToRials(rialsInUnit(r, 'toman'), 'toman')).toBe(r);
    }
    expect(() => rialsInUnit('1.5', 'toman')).toThrow(RangeError);
    expect(groupDigits('1234567.8')).toBe('1,234,567.8');
    expect(typedAmountToRials(groupDigits('1234567.8', '٬'), 'toman')).toBe('12345678');
  });
});

describe('plan editor: weights', () => {
  it('reads weights exactly in hundredths', () => {
    expect(typedWeightHundredths('25')).toBe(2500);
    expect(typedWeightHundredths('12.5')).toBe(1250);
    expect(typedWeightHundredths('۳۳٫۳۴')).toBe(3334);
    expect(typedWeightHundredths('100')).toBe(10000);
    for (const bad of ['0', '100.01', '1.234', '', 'x', '-5']) expect(typedWeightHundredths(bad)).toBeNull();
  });

  it('sums to exactly 100 or says it does not (0.1 + 0.2 is not a float here)', () => {
    expect(weightTotal(['33.33', '33.33', '33.34'])).toEqual({ hundredths: 10000, complete: true, unreadable: 0 });
    expect(weightTotal(['0.1', '0.2', '99.7'])).toMatchObject({ hundredths: 10000, complete: true });
    expect(weightTotal(['50', '45'])).toMatchObject({ hundredths: 9500, complete: false });
    expect(weightTotal(['50', '50', 'x'])).toMatchObject({ hundredths: 10000, complete: false, unreadable: 1 });
  });
});

describe('plan editor: days', () => {
  it('reads Jalali days, and Gregorian ones told apart by the year', () => {
    expect(parseTypedDay('1405/08/13')).toEqual({ year: 1405, month: 8, day: 13 });
    expect(parseTypedDay('۱۴۰۵/۸/۱۳')).toEqual({ year: 1405, month: 8, day: 13 });
    expect(parseTypedDay('2026-11-04')).toEqual({ year: 1405, month: 8, day: 13 });
    expect(parseTypedDay('1405/12/30')).toBeNull(); // 1405 is not a leap year
    expect(parseTypedDay('2026-02-30')).toBeNull();
    expect(parseTypedDay('tomorrow')).toBeNull();
  });

  it('sends a day as Tehran midnight, which reads back as the same day', () => {
    const day = { year: 1409, month: 1, day: 1 };
    expect(dayInstant(day)).toBe('2030-03-20T20:30:00.000Z');
    expect(formatJalali(toJalali(new Date(dayInstant(day))))).toBe('1409/01/01');
  });
});

describe('plan editor: links and cycles', () => {
  it('refuses a link closing a cycle in the plan, as the server does', () => {
    const links = [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }];
    const inside = new Set(['a', 'b', 'c']);
    expect(planLinkCycle(links, [], inside)).toBeNull();
    expect(planLinkCycle([...links, { from: 'c', to: 'a' }], [], inside)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('refuses a cycle through another project', () => {
    const inside = new Set(['a', 'b']);
    const external = [{ from: 'a', to: 'X' }, { from: 'X', to: 'b' }];
    expect(planLinkCycle([], external, inside)).toBeNull();
    expect(planLinkCycle([{ from: 'b', to: 'a' }], external, inside)).toEqual(['b', 'a', 'X', 'b']);
  });
});

describe('plan editor: the table as a request', () => {
  const row = (over: Partial<PlanDraftRow>): PlanDraftRow => ({
    key: 'k1', code: '1', titleFa: 'بند', titleEn: 'Item', ownerAgencyId: '', weight: '50',
    plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z', budget: '100', predecessors: [], ...over,
  });

  it('maps rows to items and predecessor keys to links by code', () => {
    const rows = [
      row({ key: 'k1', code: ' 1 ', ownerAgencyId: 'org-2', budget: '12.5' }),
      row({ key: 'k2', code: '2', weight: '۵۰', budget: '۱٬۰۰۰', predecessors: ['k1', 'gone'] }),
    ];
    const { request, problems } = draftToRequest(rows, 'toman');
    expect(problems).toEqual([]);
    expect(request.items).toEqual([
      { code: '1', titleFa: 'بند', titleEn: 'Item', ownerAgencyId: 'org-2', weight: 50, plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z', budgetRials: '125' },
      { code: '2', titleFa: 'بند', titleEn: 'Item', weight: 50, plannedStart: '2030-01-01T00:00:00Z', plannedEnd: '2030-06-01T00:00:00Z', budgetRials: '10000' },
    ]);
    expect(request.links).toEqual([{ from: '1', to: '2' }]);
    expect(draftLinks(rows)).toEqual([{ from: ' 1 ', to: '2', rowKey: 'k2' }]);
    expect(findCycle(request.links)).toBeNull();
  });

  it('names the cells it cannot read as the API names fields', () => {
    const { problems } = draftToRequest([row({}), row({ key: 'k2', weight: '0', budget: '1.5', plannedEnd: '', titleEn: ' ' })], 'rials');
    expect(problems).toEqual([
      { field: 'items[1].weight', reason: 'weight' },
      { field: 'items[1].budgetRials', reason: 'budget' },
      { field: 'items[1].plannedEnd', reason: 'date' },
      { field: 'items[1].titleEn', reason: 'required' },
    ]);
  });
});
