/**
 * A Pelekan project as an IATI 2.03 `iati-activity`, written as XML text in the order the 2.03 schema
 * requires. Pure: text is escaped here (& < > " ' and characters XML 1.0 cannot hold).
 */
import { PBO_PARTY, percentOf, projectPhase, tehranIsoDate, type OpenBaseline, type OpenProjectFacts } from './open-standards';

export const IATI_VERSION = '2.03';
export const IATI_CURRENCY = 'IRR';

/** IATI ActivityStatus codes: 1 pipeline/identification, 2 implementation, 3 finalisation. */
const ACTIVITY_STATUS = { preparation: 1, implementation: 2, completion: 3 } as const;
/** IATI OrganisationRole: 1 funding, 2 accountable, 4 implementing. OrganisationType 10: government. */
const ROLE = { funding: 1, accountable: 2, implementing: 4 } as const;
const GOVERNMENT = 10;

/** Text as XML character data or an attribute value: markup escaped, characters XML 1.0 forbids dropped. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface IatiOptions {
  /** The reporting organisation's IATI identifier (PBO), e.g. "XI-PELEKAN-PBO"; activity ids are `<ref>-<project id>`. */
  reportingOrgRef: string;
  /** The day "now" is, for the results period. */
  now: Date;
}

const narratives = (fa: string, en: string) => `<narrative xml:lang="fa">${xmlText(fa)}</narrative><narrative xml:lang="en">${xmlText(en)}</narrative>`;
const date = (d: Date) => tehranIsoDate(d);

function budget(type: 1 | 2, b: OpenBaseline, fallbackStart: Date): string {
  const start = b.start ?? fallbackStart;
  const end = b.end && b.end > start ? b.end : start;
  return (
    `<budget type="${type}" status="2"><period-start iso-date="${date(start)}"/><period-end iso-date="${date(end)}"/>` +
    `<value currency="${IATI_CURRENCY}" value-date="${date(start)}">${BigInt(b.budgetRials).toString()}</value></budget>`
  );
}

/** The XML declaration and the opening `iati-activities` tag. */
export function iatiActivitiesHead(generated: Date): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="${IATI_VERSION}" generated-datetime="${generated.toISOString()}">\n`;
}
export const IATI_ACTIVITIES_TAIL = '</iati-activities>\n';

/** One project as an `iati-activity` (see the README's mapping table). */
export function iatiActivity(p: OpenProjectFacts, options: IatiOptions): string {
  const phase = projectPhase(p);
  const out: string[] = [];
  out.push(`<iati-activity default-currency="${IATI_CURRENCY}" xml:lang="fa">`);
  out.push(`<iati-identifier>${xmlText(`${options.reportingOrgRef}-${p.id}`)}</iati-identifier>`);
  out.push(`<reporting-org ref="${xmlText(options.reportingOrgRef)}" type="${GOVERNMENT}">${narratives(PBO_PARTY.nameFa, PBO_PARTY.nameEn)}</reporting-org>`);
  out.push(`<title>${narratives(p.nameFa, p.nameEn)}</title>`);
  out.push(`<description type="1">${narratives(`طرح ${p.code}، سبد ${p.portfolioCode}`, `Project ${p.code}, portfolio ${p.portfolioCode}`)}</description>`);
  out.push(`<participating-org role="${ROLE.funding}" type="${GOVERNMENT}" ref="${xmlText(options.reportingOrgRef)}">${narratives(PBO_PARTY.nameFa, PBO_PARTY.nameEn)}</participating-org>`);
  for (const a of p.agencies) {
    if (a.role === 'lead') out.push(`<participating-org role="${ROLE.accountable}" type="${GOVERNMENT}">${narratives(a.nameFa, a.nameEn)}</participating-org>`);
    out.push(`<participating-org role="${ROLE.implementing}" type="${GOVERNMENT}">${narratives(a.nameFa, a.nameEn)}</participating-org>`);
  }
  out.push(`<activity-status code="${ACTIVITY_STATUS[phase]}"/>`);
  if (p.plannedStart && p.plannedEnd) {
    out.push(`<activity-date type="1" iso-date="${date(p.plannedStart)}"/><activity-date type="3" iso-date="${date(p.plannedEnd)}"/>`);
  } else {
    // No plan yet: the one required date is the project's registration, as its planned start.
    out.push(`<activity-date type="1" iso-date="${date(p.createdAt)}"/>`);
  }
  const fallbackStart = p.plannedStart ?? p.createdAt;
  if (p.originalBaseline && BigInt(p.originalBaseline.budgetRials) > 0n) out.push(budget(1, p.originalBaseline, fallbackStart));
  if (p.revisedBaseline && BigInt(p.revisedBaseline.budgetRials) > 0n) out.push(budget(2, p.revisedBaseline, fallbackStart));
  const numbers = new Map(p.tranches.map((t) => [t.id, t.number]));
  for (const e of p.entries) {
    const receivers = e.payees.filter((c) => BigInt(c.amountRials) > 0n);
    out.push(
      `<transaction ref="${xmlText(e.id)}"><transaction-type code="3"/><transaction-date iso-date="${date(e.at)}"/>` +
        `<value currency="${IATI_CURRENCY}" value-date="${date(e.at)}">${BigInt(e.amountRials).toString()}</value>` +
        `<description>${narratives(`قسط ${e.installment} از مرحله ${numbers.get(e.trancheId) ?? '?'}`, `Tranche ${numbers.get(e.trancheId) ?? '?'}, installment ${e.installment}`)}</description>` +
        `<provider-org ref="${xmlText(options.reportingOrgRef)}" type="${GOVERNMENT}">${narratives(PBO_PARTY.nameFa, PBO_PARTY.nameEn)}</provider-org>` +
        (receivers.length === 1 ? `<receiver-org type="${GOVERNMENT}">${narratives(receivers[0].nameFa, receivers[0].nameEn)}</receiver-org>` : '') +
        `</transaction>`,
    );
  }
  const verified = percentOf(p.weightSum, p.verifiedWeighted);
  const planned = percentOf(p.weightSum, p.plannedWeighted);
  if (verified !== null && planned !== null && p.plannedStart && p.plannedStart <= options.now) {
    const end = p.plannedEnd && p.plannedEnd < options.now ? p.plannedEnd : options.now;
    out.push(
      `<result type="1" aggregation-status="false"><title>${narratives('پیشرفت فیزیکی', 'Physical progress')}</title>` +
        `<indicator measure="2" ascending="1"><title>${narratives('پیشرفت وزنی برنامه (درصد)', 'Weighted progress of the action plan (percent)')}</title>` +
        `<description>${narratives('هدف: پیشرفت برنامه‌ریزی‌شده تا امروز؛ واقعی: پیشرفت تأییدشده توسط کمیته', 'Target: progress the plan schedules by the period end; actual: progress verified by the monitoring committee (self-declared progress is not an actual)')}</description>` +
        `<period><period-start iso-date="${date(p.plannedStart)}"/><period-end iso-date="${date(end)}"/>` +
        `<target value="${planned}"/><actual value="${verified}"/></period></indicator></result>`,
    );
  }
  out.push('</iati-activity>\n');
  return out.join('');
}
