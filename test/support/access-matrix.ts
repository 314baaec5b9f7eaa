/**
 * Who may call each route of the API: the table the authorization matrix test (and the fuzzer, to
 * pick callers) reads. Every route of the OpenAPI document must have a line here; a route without
 * one fails test/authorization.e2e-spec.ts.
 *
 * PUBLIC: no token needed. SIGNED_IN: any role. Otherwise the roles the route lets through; rules on
 * organizations (own items, own project, four eyes) are the services' and tested on real data.
 */
import type { Role } from '@pelekan/modules';

export const PUBLIC = 'public' as const;
export const SIGNED_IN: Role[] = ['admin', 'pbo', 'agency', 'committee'];

/** Who may call each route. */
export const MATRIX: Record<string, Role[] | typeof PUBLIC> = {
  'GET /health': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'GET /api/auth/me': SIGNED_IN,
  'POST /api/auth/logout': SIGNED_IN,
  'GET /api/organizations': SIGNED_IN,
  'GET /api/organizations/{id}': SIGNED_IN,
  'POST /api/organizations': ['admin'],
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'POST /api/users/{id}/disable': ['admin'],
  'POST /api/users/{id}/enable': ['admin'],
  'POST /api/users/{id}/password': ['admin'],
  'GET /api/account-requests': ['admin'],
  'POST /api/account-requests/{id}/decision': ['admin'],

  'GET /api/portfolios': SIGNED_IN,
  'GET /api/portfolios/{id}': SIGNED_IN,
  'POST /api/portfolios': ['pbo', 'admin'],
  'POST /api/portfolios/{id}/monitoring': ['admin'],
  'GET /api/projects': SIGNED_IN,
  'GET /api/projects/{id}': SIGNED_IN,
  'POST /api/projects': ['pbo', 'admin'],
  'PUT /api/projects/{id}/budget': ['pbo'],

  'GET /api/projects/{id}/action-plan': SIGNED_IN,
  'PUT /api/projects/{id}/action-plan': ['agency', 'admin'],
  'GET /api/projects/{id}/progress': SIGNED_IN,
  'GET /api/items/{id}': SIGNED_IN,
  'POST /api/projects/{id}/plan-revisions': ['agency', 'admin'],
  'GET /api/projects/{id}/plan-revisions': SIGNED_IN,
  'GET /api/plan-revisions/{id}': SIGNED_IN,
  'POST /api/plan-revisions/{id}/decision': ['committee'],
  'GET /api/projects/{id}/baselines': SIGNED_IN,
  'GET /api/projects/{id}/baselines/{number}': SIGNED_IN,
  'GET /api/items/{id}/prerequisites': SIGNED_IN,
  'POST /api/items/{id}/prerequisites': ['agency', 'admin'],
  'DELETE /api/items/{id}/prerequisites/{requiredItemId}': ['agency', 'admin'],

  'POST /api/evidence': ['agency', 'committee'],
  'GET /api/evidence/{id}': SIGNED_IN,
  'GET /api/evidence/{id}/content': SIGNED_IN,
  'POST /api/items/{id}/declarations': ['agency'],
  'GET /api/items/{id}/declarations': SIGNED_IN,
  'GET /api/declarations/pending': SIGNED_IN,
  'GET /api/declarations/{id}': SIGNED_IN,
  'POST /api/declarations/{id}/decision': ['committee'],
  'POST /api/verification-samples': ['admin'],
  'GET /api/verification-samples': ['committee', 'pbo', 'admin'],
  'GET /api/field-checks/due': ['committee', 'admin'],
  'POST /api/declarations/{id}/field-check': ['committee'],
  'GET /api/verification/discrepancy-rates': ['committee', 'pbo', 'admin'],
  'POST /api/verification-decisions/{id}/appeal': ['agency'],
  'GET /api/appeals': SIGNED_IN,
  'GET /api/appeals/{id}': SIGNED_IN,
  'POST /api/appeals/{id}/decision': ['committee'],
  'POST /api/verification-decisions/{id}/revoke': ['committee'],

  'POST /api/projects/{id}/tranches': ['pbo'],
  'GET /api/projects/{id}/tranches': SIGNED_IN,
  'GET /api/tranches': SIGNED_IN,
  'GET /api/tranches/{id}': SIGNED_IN,
  'POST /api/tranches/{id}/decision': ['pbo'],
  'POST /api/tranches/{id}/remainder': ['pbo'],
  'GET /api/ledger/balances': SIGNED_IN,
  'GET /api/ledger/entries': SIGNED_IN,

  'GET /api/inbox': SIGNED_IN,
  'POST /api/inbox/read-all': SIGNED_IN,
  'POST /api/inbox/{id}/read': SIGNED_IN,
  'GET /api/escalations': SIGNED_IN,
  'GET /api/escalations/sweeps': ['committee', 'pbo', 'admin'],
  'POST /api/escalations/sweeps': ['admin'],
  'GET /api/escalations/schedule': ['admin'],
  'GET /api/escalations/{id}': SIGNED_IN,
  'POST /api/escalations/{id}/decision': ['committee'],
  'POST /api/escalations/{id}/response': ['agency'],
  'POST /api/holds/{id}/lift': ['committee'],

  'POST /api/projects/{id}/challenges': ['agency'],
  'GET /api/projects/{id}/challenges': SIGNED_IN,
  'GET /api/challenges/{id}': SIGNED_IN,
  'GET /api/claims': ['agency'],
  'POST /api/challenges/{id}/claim-answer': ['agency'],
  'POST /api/solutions': ['agency', 'committee'],
  'POST /api/challenges/{id}/solutions': ['agency', 'committee'],
  'POST /api/tranches/{id}/spending': ['agency'],

  'GET /api/committee/queue': ['committee', 'admin'],
  'GET /api/committee/pack': ['committee', 'pbo', 'admin'],
  'GET /api/committee/stage-times': ['committee', 'pbo', 'admin'],
  'GET /api/committee/stage-cases': ['committee', 'pbo', 'admin'],
  'GET /api/public/portfolios': PUBLIC,
  'GET /api/public/portfolios/{id}': PUBLIC,
  'GET /api/public/projects/{id}': PUBLIC,
  'GET /api/public/figures': PUBLIC,
  'GET /api/public/progress-by-agency': PUBLIC,
  'GET /api/public/projects': PUBLIC,
  'GET /api/public/verification-samples': PUBLIC,
  'GET /api/public/verification-samples/{id}': PUBLIC,
  'GET /api/public/discrepancy-rates': PUBLIC,
  'GET /api/public/open-data/workbook.xlsx': PUBLIC,
  'GET /api/public/open-data/{file}': PUBLIC,

  'GET /api/audit/verify': ['admin'],
  'GET /api/audit/entries': ['admin'],
};
