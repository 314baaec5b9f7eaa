/**
 * A Pelekan project as an OC4IDS 0.9.5 project, and the project package around a set of them.
 * Pure: the facts come from the portal's repository (public data only), the service writes the JSON.
 */
import {
  milestoneStatus,
  paidByTranche,
  PBO_PARTY,
  percentOf,
  projectPhase,
  exactJson,
  rialsAsJsonNumber,
  type MilestoneStatus,
  type OpenOrganization,
  type OpenProjectFacts,
} from './open-standards';

export { exactJson, milestoneStatus, type MilestoneStatus };

export const OC4IDS_VERSION = '0.9';
export const OC4IDS_CURRENCY = 'IRR';

export interface Oc4idsValue {
  /** A bigint only beyond 2^53 − 1 rials; write packages with exactJson so it stays exact. */
  amount: number | bigint;
  currency: string;
}
export interface Oc4idsOrganizationReference {
  id: string;
  name: string;
}
export interface Oc4idsParty {
  id: string;
  name: string;
  roles: string[];
}
export interface Oc4idsMilestone {
  id: string;
  title: string;
  type: 'financing';
  status: MilestoneStatus;
  dueDate?: string;
  dateMet?: string;
  value: Oc4idsValue;
}
export interface Oc4idsTransaction {
  id: string;
  date: string;
  value: Oc4idsValue;
  payer: Oc4idsOrganizationReference;
  payee: Oc4idsOrganizationReference;
  relatedImplementationMilestone: { id: string; title: string };
}
export interface Oc4idsObservation {
  id: string;
  measure: number;
  unit: { name: string };
  dimensions: { basis: 'verified' | 'selfDeclared' | 'planned' };
  notes?: string;
}
export interface Oc4idsProject {
  id: string;
  language: string;
  title: string;
  description: string;
  status: string;
  publicAuthority?: Oc4idsOrganizationReference;
  parties: Oc4idsParty[];
  budget?: { amount: Oc4idsValue };
  period?: { startDate: string; endDate: string };
  milestones?: Oc4idsMilestone[];
  transactions?: Oc4idsTransaction[];
  metrics?: Array<{ id: string; title: string; description: string; observations: Oc4idsObservation[] }>;
}
export interface Oc4idsPackage {
  uri: string;
  publishedDate: string;
  version: string;
  publisher: { name: string };
  license?: string;
  projects: Oc4idsProject[];
}

export interface Oc4idsOptions {
  /** The project identifier prefix (registered with the OC4IDS helpdesk), e.g. "oc4ids-pelekan". */
  prefix: string;
  /** Organizations of the monitoring committee: independent monitors of every project. */
  committee: readonly OpenOrganization[];
}

/** The OC4IDS id of a project. */
export const oc4idsProjectId = (prefix: string, projectId: string) => `${prefix}-${projectId}`;

const milestoneId = (number: number) => `tranche-${number}`;
const milestoneTitle = (number: number) => `Tranche ${number}`;
const ref = (o: { id: string; name: string }): Oc4idsOrganizationReference => ({ id: o.id, name: o.name });
const money = (rials: string | bigint): Oc4idsValue => ({ amount: rialsAsJsonNumber(rials), currency: OC4IDS_CURRENCY });

/** The parties: PBO (funder, payer), the agencies (payees; the lead also the public authority), the committee (independent monitors). */
function parties(p: OpenProjectFacts, committee: readonly OpenOrganization[]): Oc4idsParty[] {
  const found = new Map<string, Oc4idsParty>();
  const add = (id: string, name: string, roles: string[]) => {
    const party = found.get(id) ?? found.set(id, { id, name, roles: [] }).get(id)!;
    for (const r of roles) if (!party.roles.includes(r)) party.roles.push(r);
  };
  add(PBO_PARTY.id, PBO_PARTY.nameEn, ['funder', 'payer']);
  for (const a of p.agencies) add(a.code, a.nameEn, a.role === 'lead' ? ['publicAuthority', 'payee'] : ['payee']);
  for (const e of p.entries) for (const payee of e.payees) add(payee.code, payee.nameEn, ['payee']);
  for (const c of committee) add(c.code, c.nameEn, ['independentMonitor']);
  return [...found.values()];
}

/** One project as OC4IDS: see the README's mapping table. */
export function oc4idsProject(p: OpenProjectFacts, options: Oc4idsOptions): Oc4idsProject {
  const what = `project ${p.code}`;
  const lead = p.agencies.find((a) => a.role === 'lead');
  const paid = paidByTranche(p.entries);
  const lastPaid = new Map<string, Date>();
  for (const e of p.entries) if ((lastPaid.get(e.trancheId)?.getTime() ?? 0) < e.at.getTime()) lastPaid.set(e.trancheId, e.at);
  const byId = new Map(p.tranches.map((t) => [t.id, t]));

  const milestones: Oc4idsMilestone[] = p.tranches.map((t) => {
    const status = milestoneStatus(t, paid.get(t.id) ?? 0n);
    return {
      id: milestoneId(t.number),
      title: milestoneTitle(t.number),
      type: 'financing',
      status,
      ...(t.dueAt ? { dueDate: t.dueAt.toISOString() } : {}),
      ...(status === 'met' ? { dateMet: lastPaid.get(t.id)!.toISOString() } : {}),
      value: money(t.amountRials),
    };
  });

  const payer = ref({ id: PBO_PARTY.id, name: PBO_PARTY.nameEn });
  const transactions: Oc4idsTransaction[] = p.entries.flatMap((e) => {
    const tranche = byId.get(e.trancheId);
    if (!tranche) throw new Error(`${what}: ledger entry ${e.id} pays a tranche not in the project`);
    const related = { id: milestoneId(tranche.number), title: milestoneTitle(tranche.number) };
    const credited = e.payees.filter((c) => BigInt(c.amountRials) > 0n);
    if (credited.length === 0) throw new Error(`${what}: ledger entry ${e.id} credits no agency`);
    // One transaction per ledger entry; an entry crediting several agencies becomes one per agency (ids "<entry>-<n>").
    return credited.map((c, i) => ({
      id: credited.length === 1 ? e.id : `${e.id}-${i + 1}`,
      date: e.at.toISOString(),
      value: money(credited.length === 1 ? e.amountRials : c.amountRials),
      payer,
      payee: ref({ id: c.code, name: c.nameEn }),
      relatedImplementationMilestone: related,
    }));
  });

  const observations: Oc4idsObservation[] = [];
  const percent = { name: 'percent' };
  const verified = percentOf(p.weightSum, p.verifiedWeighted);
  if (verified !== null) observations.push({ id: 'verified', measure: verified, unit: percent, dimensions: { basis: 'verified' }, notes: 'Verified by the monitoring committee' });
  const declared = p.weightSum > 0 && p.declaredWeighted > 0 ? percentOf(p.weightSum, p.declaredWeighted) : p.reportedPercent;
  if (declared !== null) observations.push({ id: 'selfDeclared', measure: declared, unit: percent, dimensions: { basis: 'selfDeclared' }, notes: 'Declared by the agencies, not verified' });
  const planned = percentOf(p.weightSum, p.plannedWeighted);
  if (planned !== null) observations.push({ id: 'planned', measure: planned, unit: percent, dimensions: { basis: 'planned' }, notes: 'What the plan schedules by now' });

  return {
    id: oc4idsProjectId(options.prefix, p.id),
    language: 'fa',
    title: p.nameFa,
    description: `${p.nameEn} (project ${p.code}, portfolio ${p.portfolioCode})`,
    status: projectPhase(p),
    ...(lead ? { publicAuthority: ref({ id: lead.code, name: lead.nameEn }) } : {}),
    parties: parties(p, options.committee),
    ...(p.budgetRials !== null ? { budget: { amount: money(p.budgetRials) } } : {}),
    ...(p.plannedStart && p.plannedEnd ? { period: { startDate: p.plannedStart.toISOString(), endDate: p.plannedEnd.toISOString() } } : {}),
    ...(milestones.length ? { milestones } : {}),
    ...(transactions.length ? { transactions } : {}),
    ...(observations.length
      ? { metrics: [{ id: 'physicalProgress', title: 'Physical progress', description: 'Weighted progress of the action plan, in percent; observations by basis', observations }] }
      : {}),
  };
}

/** The package's opening, up to the projects array: the service writes `{…,"projects":[` then each project, then `]}`. */
export function oc4idsPackageHead(p: { uri: string; publishedDate: Date; publisherName: string }): Omit<Oc4idsPackage, 'projects'> {
  return { uri: p.uri, publishedDate: p.publishedDate.toISOString(), version: OC4IDS_VERSION, publisher: { name: p.publisherName } };
}

/** A whole package in memory (one project's endpoint, tests). */
export function oc4idsPackage(head: Omit<Oc4idsPackage, 'projects'>, projects: Oc4idsProject[]): Oc4idsPackage {
  return { ...head, projects };
}
