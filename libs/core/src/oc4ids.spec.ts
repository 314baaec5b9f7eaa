import { iatiActivity, xmlText } from './iati';
import { milestoneStatus, oc4idsProject } from './oc4ids';
import { exactJson, rialsAsJsonNumber, type OpenProjectFacts } from './open-standards';

const at = new Date('2025-01-01T08:00:00Z');
const facts = (over: Partial<OpenProjectFacts> = {}): OpenProjectFacts => ({
  id: 'p1',
  code: 'P-1',
  nameFa: 'طرح <آزمایشی> & "نقل"',
  nameEn: 'Roads & <bridges> "quoted"',
  portfolioCode: 'PF',
  budgetRials: '1000',
  createdAt: at,
  agencies: [
    { code: 'lead', nameFa: 'پیشرو', nameEn: 'Lead', role: 'lead' },
    { code: 'co', nameFa: 'همکار', nameEn: 'Co', role: 'collaborating' },
  ],
  plannedStart: at,
  plannedEnd: new Date('2025-12-01T00:00:00Z'),
  weightSum: 10_000,
  verifiedWeighted: 250_000,
  declaredWeighted: 400_000,
  plannedWeighted: 500_000,
  reportedPercent: null,
  tranches: [
    { id: 't1', number: 1, amountRials: '300', state: 'released', dueAt: null },
    { id: 't2', number: 2, amountRials: '400', state: 'waiting_on_items', dueAt: at },
    { id: 't3', number: 3, amountRials: '300', state: 'closed', dueAt: at },
  ],
  entries: [
    { id: 'e1', trancheId: 't1', installment: 1, amountRials: '300', at, payees: [{ code: 'lead', nameFa: 'پیشرو', nameEn: 'Lead', amountRials: '300' }] },
    {
      id: 'e2',
      trancheId: 't2',
      installment: 1,
      amountRials: '100',
      at,
      payees: [
        { code: 'lead', nameFa: 'پیشرو', nameEn: 'Lead', amountRials: '60' },
        { code: 'co', nameFa: 'همکار', nameEn: 'Co', amountRials: '40' },
      ],
    },
  ],
  originalBaseline: { number: 1, budgetRials: '1000', start: at, end: at },
  revisedBaseline: null,
  ...over,
});

describe('milestone status of a tranche', () => {
  it('is met when paid in full, partly met when paid in part, not met when given up unpaid, else scheduled', () => {
    expect(milestoneStatus({ amountRials: '10', state: 'released' }, 10n)).toBe('met');
    expect(milestoneStatus({ amountRials: '10', state: 'waiting_on_items' }, 4n)).toBe('partiallyMet');
    expect(milestoneStatus({ amountRials: '10', state: 'closed' }, 4n)).toBe('partiallyMet');
    expect(milestoneStatus({ amountRials: '10', state: 'lapsed' }, 0n)).toBe('notMet');
    expect(milestoneStatus({ amountRials: '10', state: 'rejected' }, 0n)).toBe('notMet');
    expect(milestoneStatus({ amountRials: '10', state: 'approved' }, 0n)).toBe('scheduled');
    expect(() => milestoneStatus({ amountRials: '10', state: 'released' }, 11n)).toThrow(RangeError);
  });
});

describe('rials as JSON numbers', () => {
  it('keeps every amount exact: a number up to 2^53 − 1, its exact digits beyond', () => {
    expect(rialsAsJsonNumber('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    // A national budget: 5 × 10^16 rials, beyond what a double holds exactly.
    const national = rialsAsJsonNumber('50000000000000000123');
    expect(national).toBe(50000000000000000123n);
    expect(exactJson({ amount: national, currency: 'IRR', title: 'x' })).toBe('{"amount":50000000000000000123,"currency":"IRR","title":"x"}');
    expect(exactJson({ amount: rialsAsJsonNumber('-9007199254740993') })).toBe('{"amount":-9007199254740993}');
    // An ordinary string that merely looks like the mark stays a string.
    expect(exactJson({ note: 'exact:5' })).toBe('{"note":"exact:5"}');
  });
});

describe('OC4IDS project', () => {
  it('maps tranches to milestones, ledger entries to transactions and keeps verified and self-declared apart', () => {
    const p = oc4idsProject(facts(), { prefix: 'oc4ids-pelekan', committee: [{ code: 'lead', nameFa: '', nameEn: 'Lead' }, { code: 'cm', nameFa: '', nameEn: 'Committee' }] });
    expect(p.id).toBe('oc4ids-pelekan-p1');
    expect(p.publicAuthority).toEqual({ id: 'lead', name: 'Lead' });
    expect(p.parties).toEqual([
      { id: 'pbo', name: 'Plan and Budget Organization', roles: ['funder', 'payer'] },
      { id: 'lead', name: 'Lead', roles: ['publicAuthority', 'payee', 'independentMonitor'] },
      { id: 'co', name: 'Co', roles: ['payee'] },
      { id: 'cm', name: 'Committee', roles: ['independentMonitor'] },
    ]);
    expect(p.milestones!.map((m) => [m.id, m.status, m.value.amount, m.dateMet])).toEqual([
      ['tranche-1', 'met', 300, at.toISOString()],
      ['tranche-2', 'partiallyMet', 400, undefined],
      ['tranche-3', 'notMet', 300, undefined],
    ]);
    expect(p.transactions!.map((t) => [t.id, t.value.amount, t.payee.id, t.relatedImplementationMilestone.id])).toEqual([
      ['e1', 300, 'lead', 'tranche-1'],
      ['e2-1', 60, 'lead', 'tranche-2'],
      ['e2-2', 40, 'co', 'tranche-2'],
    ]);
    expect(p.metrics![0].observations.map((o) => [o.dimensions.basis, o.measure])).toEqual([
      ['verified', 25],
      ['selfDeclared', 40],
      ['planned', 50],
    ]);
  });

  it('publishes a budget beyond 2^53 − 1 rials with its exact digits', () => {
    const p = oc4idsProject(facts({ budgetRials: '90071992547409931' }), { prefix: 'x', committee: [] });
    expect(exactJson(p.budget)).toBe('{"amount":{"amount":90071992547409931,"currency":"IRR"}}');
  });
});

describe('IATI activity', () => {
  it('escapes markup in titles and drops characters XML cannot hold', () => {
    expect(xmlText(`a & b < c > d "e" 'f'\u0001`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
    const xml = iatiActivity(facts(), { reportingOrgRef: 'XI-PELEKAN-PBO', now: new Date('2025-06-01T00:00:00Z') });
    expect(xml).toContain('<narrative xml:lang="en">Roads &amp; &lt;bridges&gt; &quot;quoted&quot;</narrative>');
    expect(xml).not.toContain('<bridges>');
    expect(xml.match(/<transaction /g)).toHaveLength(2);
    expect(xml).toContain('<transaction-type code="3"/>');
    expect(xml).toContain('<target value="50"/><actual value="25"/>');
    expect(xml).toContain('<budget type="1" status="2">');
    expect(xml).not.toContain('<budget type="2"');
  });
});
