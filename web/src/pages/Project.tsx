import { useState } from 'react';
import { api } from '../api';
import { useApp } from '../app-context';
import { ActionChainGraph, ProgressChart } from '../graph';
import { DateText, FieldError, FormError, Loading, Money, Num, Percent, Section, StateBadge, useLoad } from '../ui';

const CATEGORIES = ['budget', 'inter_agency', 'data_sharing', 'infrastructure', 'legal', 'planning', 'other'];

/** Project header shared by the signed-in project page and the public one. */
export function ProjectSummary({ p }: { p: any }) {
  const { t, lang } = useApp();
  const lead = p.agencies?.find((a: any) => a.role === 'lead');
  return (
    <header className="project-head">
      <h1>{p.code} — {lang === 'fa' ? p.nameFa : p.nameEn} {p.synthetic && <span className="badge">{t('synthetic')}</span>}</h1>
      <p>
        {t('lead')}: {lead ? (lang === 'fa' ? lead.nameFa : lead.nameEn) : '—'} ·{' '}
        {t('lastVerified')}: {p.lastVerifiedAt ? <DateText value={p.lastVerifiedAt} /> : t('never')}{' '}
        {p.stale && <span className="badge stale" data-testid="stale">{t('stale')}</span>}
      </p>
    </header>
  );
}

function Challenges({ projectId, items }: { projectId: string; items: any[] }) {
  const { t, user } = useApp();
  const list = useLoad(() => api('GET', `/api/projects/${projectId}/challenges`), [projectId]);
  const [form, setForm] = useState({ category: 'budget', description: '' });
  const [solution, setSolution] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const declare = async (e: React.FormEvent) => {
    e.preventDefault();
    try { await api('POST', `/api/projects/${projectId}/challenges`, { ...form, itemIds: [] }); list.reload(); } catch (err) { setError(err); }
  };
  const propose = async (challengeId: string) => {
    try { await api('POST', '/api/solutions', { challengeId, description: solution[challengeId] ?? '' }); list.reload(); } catch (err) { setError(err); }
  };
  void items;
  return (
    <Section title={t('challenges')}>
      <Loading state={list}>
        {() => (
          <ul>
            {list.data.map((c: any) => (
              <li key={c.id}>
                <strong>{c.category}</strong>: {c.description}
                {c.budget && <> — <Money rials={c.budget.releasedNotSpentRials} /></>}
                <ul>{c.solutions.map((s: any) => <li key={s.id}>{t('solutions')}: {s.description}</li>)}</ul>
                {user?.role === 'agency' && (
                  <span>
                    <input value={solution[c.id] ?? ''} onChange={(e) => setSolution({ ...solution, [c.id]: e.target.value })} placeholder={t('solutions')} />
                    <button onClick={() => propose(c.id)}>{t('send')}</button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loading>
      {user?.role === 'agency' && (
        <form onSubmit={declare}>
          <select value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>{CATEGORIES.map((c) => <option key={c}>{c}</option>)}</select>
          <input name="description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} placeholder={t('description')} />
          <FieldError error={error} field="description" />
          <button type="submit">{t('send')}</button>
          <FormError error={error} fields={['description']} />
        </form>
      )}
    </Section>
  );
}

function RevisionForm({ projectId, plan }: { projectId: string; plan: any }) {
  const { t } = useApp();
  const initial = {
    items: plan.items.map((i: any) => ({ code: i.code, titleFa: i.titleFa, titleEn: i.titleEn, ownerAgencyId: i.ownerAgency.id, weight: i.weight, plannedStart: i.plannedStart, plannedEnd: i.plannedEnd, budgetRials: String(i.budgetRials) })),
    links: plan.links.filter((l: any) => l.fromProjectId === projectId && l.toProjectId === projectId).map((l: any) => ({ from: l.from, to: l.to })),
  };
  const [text, setText] = useState(JSON.stringify(initial, null, 2));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    try { await api('POST', `/api/projects/${projectId}/plan-revisions`, { reason, ...JSON.parse(text) }); setDone(true); } catch (err) { setError(err); }
  };
  return (
    <form onSubmit={submit} className="revision-form">
      <textarea value={text} onChange={(e) => setText(e.target.value)} rows={12} dir="ltr" />
      <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
      <FieldError error={error} field="reason" />
      <FieldError error={error} field="items" />
      <FieldError error={error} field="links" />
      <button type="submit">{t('send')}</button>
      {done && <span className="ok">✓</span>}
      <FormError error={error} fields={['reason', 'items', 'links']} />
    </form>
  );
}

export function ProjectPage({ id }: { id: string }) {
  const { t, lang, user } = useApp();
  const project = useLoad(() => api('GET', `/api/projects/${id}`), [id]);
  const plan = useLoad(() => api('GET', `/api/projects/${id}/action-plan`), [id]);
  const progress = useLoad(() => api('GET', `/api/projects/${id}/progress`), [id]);
  const tranches = useLoad(() => api('GET', `/api/projects/${id}/tranches`), [id]);
  // The public view carries which tranche funds each item; a confidential project falls back to the plan.
  const chain = useLoad(() => api('GET', `/api/public/projects/${id}`), [id]);
  return (
    <div className="workspace" data-workspace="project">
      <Loading state={project}>{() => <ProjectSummary p={project.data} />}</Loading>
      <Loading state={plan}>
        {() => (
          <Section title={t('actionChain')}>
            <div className="scroll">
              <ActionChainGraph
                projectId={id}
                items={chain.data?.items?.length ? chain.data.items : plan.data.items}
                links={plan.data.links}
              />
            </div>
          </Section>
        )}
      </Loading>
      <Loading state={progress}>
        {() => (
          <Section title={t('progressChart')}>
            <ProgressChart items={plan.data?.items ?? []} declared={progress.data.declaredPercent} verified={progress.data.verifiedPercent} />
            <p>{t('planned')} <Percent value={progress.data.plannedPercent} /> · {t('declared')} <Percent value={progress.data.declaredPercent} /> · {t('verified')} <Percent value={progress.data.verifiedPercent} /></p>
            <h3>{t('byAgency')}</h3>
            <table><tbody>{progress.data.byAgency.map((a: any) => (
              <tr key={a.agency?.id}><td>{lang === 'fa' ? a.agency?.nameFa : a.agency?.nameEn}</td><td><Num value={a.weight} /></td><td><Percent value={a.verifiedPercent} /></td><td><Percent value={a.declaredPercent} /></td></tr>
            ))}</tbody></table>
          </Section>
        )}
      </Loading>
      <Loading state={tranches}>
        {() => (
          <Section title={t('trancheTimeline')}>
            <ol className="timeline">
              {tranches.data.map((x: any) => (
                <li key={x.id}><Num value={x.number} /> · <StateBadge state={x.state} /> · <Money rials={x.amountRials} /> · <DateText value={x.stateChangedAt} time /></li>
              ))}
            </ol>
          </Section>
        )}
      </Loading>
      <Challenges projectId={id} items={plan.data?.items ?? []} />
      {user?.role === 'agency' && plan.data && (
        <Section title={t('revisions')}><RevisionForm projectId={id} plan={plan.data} /></Section>
      )}
    </div>
  );
}
