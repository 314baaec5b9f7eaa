/**
 * The Majlis Research Center report's tables (egov-portfolios.json, copied into the project from the
 * shared seed data), turned into organizations, portfolios and projects. Only what the report says:
 * no amounts, no history, no action tables.
 */
import report from './egov-portfolios.json';

export interface ReportProject {
  code: string;
  name_fa: string;
  name_en: string;
  lead_agencies_fa: string[];
  lead_agencies_en: string[];
  confidential?: boolean;
  collaborating_note_en?: string;
  actual_progress_pct?: number | null;
  budget_need?: 'low' | 'medium' | 'high' | null;
  service_coverage_pct?: number | null;
  repeats?: { portfolio?: string; project?: string; elsewhere_en?: string; note_en?: string };
}

export interface ReportPortfolio {
  code: string;
  name_fa: string;
  name_en: string;
  approved_by_fa: string;
  approved_on_jalali: string;
  note?: string;
  projects: ReportProject[];
  [fact: string]: unknown;
}

export const REPORT_SOURCE = 'Majlis Research Center, supervisory analysis of the 23 priority e-government projects';
export const reportPortfolios = report.portfolios as unknown as ReportPortfolio[];
export const workedExample = report.worked_example_action_chain;

/** "Information Technology Organization of Iran (implementer)" → name and role note. */
export function splitRole(name: string): { name: string; role: string | null } {
  const match = /^(.*?)\s*\(([^()]+)\)\s*$/.exec(name);
  return match ? { name: match[1].trim(), role: match[2].trim() } : { name: name.trim(), role: null };
}

export function organizationCode(nameEn: string): string {
  return nameEn
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The monitoring committee of the driver projects: PBO, ARAO and the Ministry of ICT. */
export const COMMITTEE_MEMBERS_EN = [
  'Plan and Budget Organization',
  'Administrative and Recruitment Affairs Organization',
  'Ministry of ICT',
];

/**
 * Bodies that belong to another in the data (well known, stated here so the conflict-of-interest rule
 * sees them): ITO is part of the Ministry of ICT, which the report names as the supervisor that
 * monitored its own projects; the treatment deputy is part of the Ministry of Health.
 */
export const PARENT_OF_EN: Record<string, string> = {
  'Information Technology Organization of Iran': 'Ministry of ICT',
  'Ministry of Health, Treatment Deputy': 'Ministry of Health and Medical Education',
};

/** Organizations the tables name, deduplicated by English name, with their Persian names. */
export function reportOrganizations(): Array<{ nameEn: string; nameFa: string }> {
  const byName = new Map<string, string>();
  for (const portfolio of reportPortfolios) {
    for (const project of portfolio.projects) {
      project.lead_agencies_en.forEach((en, i) => {
        const name = splitRole(en).name;
        if (!byName.has(name)) byName.set(name, splitRole(project.lead_agencies_fa[i] ?? en).name);
      });
    }
  }
  return [...byName.entries()].map(([nameEn, nameFa]) => ({ nameEn, nameFa }));
}
