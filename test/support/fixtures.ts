import { Http } from './http';

export const AGENCY_PASSWORD = 'agency-password-1';

/** Organization id by its code (seeded from the report). */
export async function orgId(http: Http, code: string): Promise<string> {
  const { body } = await http.as('admin').get('/api/organizations');
  const org = body.find((o: any) => o.code === code);
  if (!org) throw new Error(`no organization ${code}`);
  return org.id;
}

export async function createUser(http: Http, username: string, role: string, organizationId: string | null) {
  const answer = await http.as('admin').post('/api/users', {
    username,
    password: AGENCY_PASSWORD,
    role,
    ...(organizationId ? { organizationId } : {}),
    displayName: username,
  });
  if (answer.status !== 201) throw new Error(`create user ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  // A privileged role waits for a second administrator.
  for (const request of answer.body.pendingRequests ?? []) {
    const confirmed = await http.as('admin2').post(`/api/account-requests/${request.id}/decision`, { action: 'confirm' });
    if (confirmed.status !== 200) throw new Error(`confirm ${username}: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  }
  await http.login(username, AGENCY_PASSWORD);
  return answer.body;
}

/** A project led by `leadAgencyId` with a two-item plan A → B (weights 60/40, budgets 600/400 rials); null budget: unset. */
export async function projectWithChain(http: Http, code: string, leadAgencyId: string, budgetRials: string | null = '1000') {
  const { body: portfolio } = await http.as('pbo.officer1').post('/api/portfolios', { code: `P-${code}`, nameFa: 'سبد آزمون', nameEn: 'Test portfolio' });
  const project = await http.as('pbo.officer1').post('/api/projects', {
    portfolioId: portfolio.id,
    code,
    nameFa: 'پروژه آزمون',
    nameEn: `Test project ${code}`,
    leadAgencyId,
    ...(budgetRials === null ? {} : { budgetRials }),
  });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const plan = await http.as('admin').put(`/api/projects/${project.body.id}/action-plan`, {
    items: [
      { code: 'A', titleFa: 'الف', titleEn: 'A', weight: 60, plannedStart: '2025-01-01T00:00:00Z', plannedEnd: '2025-06-01T00:00:00Z', budgetRials: '600' },
      { code: 'B', titleFa: 'ب', titleEn: 'B', weight: 40, plannedStart: '2025-06-01T00:00:00Z', plannedEnd: '2025-12-01T00:00:00Z', budgetRials: '400' },
    ],
    links: [{ from: 'A', to: 'B' }],
  });
  if (plan.status !== 200) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);
  const item = (c: string) => plan.body.items.find((i: any) => i.code === c).id as string;
  return { projectId: project.body.id as string, portfolioId: portfolio.id as string, item };
}

export interface PlanItemInput {
  code: string;
  weight: number;
  budgetRials: string;
  ownerAgencyId?: string;
}

/** A project with the given plan (filed by an admin), optionally with collaborating agencies. */
export async function projectWithPlan(
  http: Http,
  code: string,
  leadAgencyId: string,
  plan: { items: PlanItemInput[]; links: Array<{ from: string; to: string }> },
  options: { collaboratingAgencyIds?: string[]; budgetRials?: string } = {},
) {
  const { body: portfolio } = await http.as('pbo.officer1').post('/api/portfolios', { code: `P-${code}`, nameFa: 'سبد آزمون', nameEn: 'Test portfolio' });
  const project = await http.as('pbo.officer1').post('/api/projects', {
    portfolioId: portfolio.id,
    code,
    nameFa: 'پروژه آزمون',
    nameEn: `Test project ${code}`,
    leadAgencyId,
    budgetRials: options.budgetRials ?? plan.items.reduce((sum, i) => sum + BigInt(i.budgetRials), 0n).toString(),
    ...(options.collaboratingAgencyIds ? { collaboratingAgencyIds: options.collaboratingAgencyIds } : {}),
  });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const filed = await http.as('admin').put(`/api/projects/${project.body.id}/action-plan`, {
    items: plan.items.map((i) => ({
      titleFa: `بند ${i.code}`,
      titleEn: `Item ${i.code}`,
      plannedStart: '2030-01-01T00:00:00Z',
      plannedEnd: '2030-06-01T00:00:00Z',
      ...i,
    })),
    links: plan.links,
  });
  if (filed.status !== 200) throw new Error(`plan: ${filed.status} ${JSON.stringify(filed.body)}`);
  const item = (c: string) => filed.body.items.find((i: any) => i.code === c).id as string;
  return { projectId: project.body.id as string, portfolioId: portfolio.id as string, item };
}
