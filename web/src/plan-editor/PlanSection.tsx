import { api } from '../api';
import { useApp } from '../app-context';
import { digits } from '../format';
import { Section, useLoad } from '../ui';
import { type EditorPlan, type EditorProject, PlanEditor } from './PlanEditor';

interface RevisionSummary {
  id: string;
  number: number;
  status: 'pending' | 'approved' | 'rejected';
  reason: string;
}

/**
 * The project page's plan editor, for whoever may change the plan (the lead or a co-lead agency, or an
 * administrator: as the API decides): the first plan while the project has none, a revision after.
 */
export function PlanSection({ project, plan, onChange }: { project: EditorProject; plan: EditorPlan; onChange(): void }) {
  const { t, lang, user } = useApp();
  const mayEdit =
    user?.role === 'admin' ||
    (user?.role === 'agency' && project.agencies.some((a) => a.id === user.organizationId && (a.role === 'lead' || a.role === 'co_lead')));
  const mode = plan.items.length === 0 ? 'first' : 'revision';
  const revisions = useLoad<RevisionSummary[]>(() => api('GET', `/api/projects/${project.id}/plan-revisions`), [project.id]);
  if (!mayEdit) return null;
  const pending = (revisions.data as RevisionSummary[] | null)?.find((r) => r.status === 'pending');
  const blockedBy = pending ? `${t('pe_pending')} ${digits(pending.number, lang)} — ${pending.reason}` : undefined;
  return (
    <Section title={mode === 'first' ? t('pe_firstPlan') : t('pe_revisePlan')} id="plan-editor">
      {pending && <p className="banner" data-pending-revision={pending.number}>{blockedBy}</p>}
      <PlanEditor
        key={mode}
        project={project}
        plan={plan}
        mode={mode}
        blockedBy={blockedBy}
        onDone={() => {
          revisions.reload();
          onChange();
        }}
      />
    </Section>
  );
}
