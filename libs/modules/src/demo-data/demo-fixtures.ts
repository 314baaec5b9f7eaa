import type { Role } from '../common/actor';

/** The password of every demo user. Demo data is for a local try-out, never for production. */
export const DEMO_PASSWORD = 'pelekan-demo';

export const DEMO_AGENCY_CODE = 'demo-agency';
export const DEMO_AGENCY = { nameEn: 'Demo implementing agency (synthetic)', nameFa: 'دستگاه اجرایی نمونه (داده آزمایشی)' };
export const DEMO_PORTFOLIO_CODE = 'DEMO';
export const DEMO_PROJECT_CODE = 'DEMO-1';

export interface DemoUser {
  username: string;
  role: Role;
  organizationEn: string | null;
  displayName: string;
  /** An agency's head: the second rung of the escalation ladder. */
  agencyHead?: boolean;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', role: 'admin', organizationEn: null, displayName: 'Administrator' },
  // A second administrator: granting a PBO, committee or admin role needs two.
  { username: 'admin2', role: 'admin', organizationEn: null, displayName: 'Second administrator' },
  { username: 'pbo.officer1', role: 'pbo', organizationEn: 'Plan and Budget Organization', displayName: 'PBO officer 1' },
  { username: 'pbo.officer2', role: 'pbo', organizationEn: 'Plan and Budget Organization', displayName: 'PBO officer 2' },
  { username: 'agency.demo', role: 'agency', organizationEn: 'Demo implementing agency (synthetic)', displayName: 'Demo agency focal point' },
  {
    username: 'agency.demo.head',
    role: 'agency',
    organizationEn: 'Demo implementing agency (synthetic)',
    displayName: 'Head of the demo agency',
    agencyHead: true,
  },
  {
    username: 'committee.arao',
    role: 'committee',
    organizationEn: 'Administrative and Recruitment Affairs Organization',
    displayName: 'Committee member (ARAO)',
  },
  { username: 'committee.mict', role: 'committee', organizationEn: 'Ministry of ICT', displayName: 'Committee member (Ministry of ICT)' },
];

export const DEMO_PORTFOLIO = {
  code: DEMO_PORTFOLIO_CODE,
  nameFa: 'نمونه آزمایشی: مثال زنجیره اقدامات گزارش',
  nameEn: "Synthetic demo: the report's action-chain example",
  noteEn: 'Synthetic data for trying Pelekan out; not from the report. The action chain is the worked example of section 5-4.',
};

export const DEMO_PROJECT = {
  code: DEMO_PROJECT_CODE,
  nameFa: 'مثال زنجیره اقدامات (داده آزمایشی)',
  nameEn: 'Action-chain worked example (synthetic)',
};

/**
 * The worked example of section 5-4 as a synthetic project: items 1→3 and 2→4; tranche 1 funds
 * 1 and 2, tranche 2 funds 3 and 4 and opens only when 1 and 2 are 100% verified. Amounts and dates
 * are invented for the demo and labelled so.
 */
export const DEMO_ITEMS = [
  { code: '1', titleFa: 'نیازسنجی و طراحی سامانه', titleEn: 'Requirements and system design', weight: 20, budget: 20_000_000_000n, from: [1404, 1, 1], to: [1404, 3, 31] },
  { code: '2', titleFa: 'راه‌اندازی زیرساخت و مرکز داده', titleEn: 'Infrastructure and data-centre set-up', weight: 30, budget: 30_000_000_000n, from: [1404, 1, 1], to: [1404, 4, 31] },
  { code: '3', titleFa: 'توسعه و پیاده‌سازی سامانه', titleEn: 'System development', weight: 25, budget: 25_000_000_000n, from: [1404, 4, 1], to: [1404, 9, 30] },
  { code: '4', titleFa: 'استقرار و آموزش کاربران', titleEn: 'Roll-out and user training', weight: 25, budget: 25_000_000_000n, from: [1404, 5, 1], to: [1404, 12, 29] },
] as const;

export const DEMO_LINKS = [
  { from: '1', to: '3' },
  { from: '2', to: '4' },
];
