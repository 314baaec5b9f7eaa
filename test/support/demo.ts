import { Http } from './http';

/** Ids of the demo project's items and tranches (the report's worked example). */
export async function demoProject(http: Http) {
  const portfolios = await http.as('pbo.officer1').get('/api/portfolios');
  const demo = portfolios.body.find((p: any) => p.code === 'DEMO');
  const { body: projects } = await http.as('pbo.officer1').get(`/api/projects?portfolioId=${demo.id}`);
  const projectId = projects.items[0].id;
  const { body: plan } = await http.as('pbo.officer1').get(`/api/projects/${projectId}/action-plan`);
  const item = (code: string) => plan.items.find((i: any) => i.code === code).id as string;
  const { body: tranches } = await http.as('pbo.officer1').get(`/api/projects/${projectId}/tranches`);
  const tranche = (n: number) => tranches.find((t: any) => t.number === n).id as string;
  return { projectId, item, tranche };
}

/** The owner agency declares `percent` on an item with one uploaded PDF as evidence. */
export async function declare(http: Http, agencyUser: string, itemId: string, percent: number) {
  const upload = await http.as(agencyUser).upload('/api/evidence', `item-${itemId}.pdf`, pdfBytes(`item ${itemId}`));
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${JSON.stringify(upload.body)}`);
  const declaration = await http
    .as(agencyUser)
    .post(`/api/items/${itemId}/declarations`, { percent, note: `${percent}% done`, evidenceIds: [upload.body.id] });
  if (declaration.status !== 201) throw new Error(`declare: ${declaration.status} ${JSON.stringify(declaration.body)}`);
  return declaration.body;
}

export function pdfBytes(text = 'evidence'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}
