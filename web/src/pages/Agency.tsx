import { useState } from 'react';
import { api, upload } from '../api';
import { useApp } from '../app-context';
import { DateText, FieldError, FormError, Loading, LoadMore, Num, Percent, Section, useLoad, usePaged } from '../ui';
import { ItemDeclarations } from './AgencyDecisions';
import { TrancheCard } from './Pbo';

function DeclareForm({ item, onDone }: { item: any; onDone(): void }) {
  const { t } = useApp();
  const [percent, setPercent] = useState(String(item.declaredPercent));
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const evidenceIds: string[] = [];
      if (file) {
        setProgress(0);
        evidenceIds.push((await upload('/api/evidence', file, setProgress)).id);
      }
      await api('POST', `/api/items/${item.id}/declarations`, { percent: Number(percent), note, evidenceIds });
      setNote('');
      setFile(null);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };
  return (
    <form className="declare" onSubmit={submit} data-declare={item.code}>
      <label>
        {t('percent')}
        <input name="percent" type="number" min={0} max={100} value={percent} onChange={(e) => setPercent(e.target.value)} />
        <FieldError error={error} field="percent" />
      </label>
      <label>
        {t('note')}
        <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
        <FieldError error={error} field="note" />
      </label>
      <label>
        {t('evidence')}
        <input name="evidence" type="file" accept=".pdf,.png,.jpg,.jpeg" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <FieldError error={error} field="file" />
        <FieldError error={error} field="evidenceIds" />
      </label>
      {progress !== null && <progress value={progress} max={1}>{t('uploading')}</progress>}
      <button type="submit">{t('declare')}</button>
      <FormError error={error} fields={['percent', 'note', 'file', 'evidenceIds']} />
    </form>
  );
}

function MyProject({ project }: { project: any }) {
  const { t, lang } = useApp();
  const plan = useLoad(() => api('GET', `/api/projects/${project.id}/action-plan`), [project.id]);
  const tranches = useLoad(() => api('GET', `/api/projects/${project.id}/tranches`), [project.id]);
  const [open, setOpen] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  return (
    <Section title={`${project.code} — ${lang === 'fa' ? project.nameFa : project.nameEn}`}>
      <a href={`#/projects/${project.id}`}>{t('actionChain')} →</a>
      <Loading state={plan}>
        {() => (
          <table className="items">
            <thead>
              <tr><th>{t('item')}</th><th>{t('weight')}</th><th>{t('due')}</th><th>{t('declared')}</th><th>{t('verified')}</th><th /></tr>
            </thead>
            <tbody>
              {plan.data.items.map((i: any) => (
                <tr key={i.id} data-item={i.code}>
                  <td><Num value={i.code} /> · {lang === 'fa' ? i.titleFa : i.titleEn}</td>
                  <td><Num value={i.weight} /></td>
                  <td><DateText value={i.dueAt} /></td>
                  <td><Percent value={i.declaredPercent} /></td>
                  <td><Percent value={i.verifiedPercent} /></td>
                  <td>
                    <button onClick={() => setOpen(open === i.id ? null : i.id)}>{t('declare')}</button>
                    {open === i.id && <DeclareForm item={i} onDone={() => { setOpen(null); plan.reload(); tranches.reload(); }} />}{' '}
                    <button type="button" className="decisions-toggle" aria-expanded={shown === i.id} onClick={() => setShown(shown === i.id ? null : i.id)}>
                      {t('declarationsAndDecisions')}
                    </button>
                    {shown === i.id && <ItemDeclarations itemId={i.id} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
      <Loading state={tranches}>{() => <>{tranches.data.map((x: any) => <TrancheCard key={x.id} tranche={x} onChange={tranches.reload} />)}</>}</Loading>
    </Section>
  );
}

function Escalations() {
  const { t, lang } = useApp();
  const cases = usePaged('/api/escalations');
  const [note, setNote] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  return (
    <Section title={t('escalations')}>
      <Loading state={cases}>
        {() =>
          (cases.data ?? []).length === 0 ? <p>{t('nothing')}</p> : (
            <ul>
              {(cases.data ?? []).map((c: any) => (
                <li key={c.id}>
                  {c.project.code} · <Num value={c.item.code} /> {lang === 'fa' ? c.item.titleFa : c.item.titleEn} — {t('level')} <Num value={c.level} /> ({c.reason})
                  {c.agencyResponse ? <p>{c.agencyResponse}</p> : (
                    <form onSubmit={async (e) => { e.preventDefault(); try { await api('POST', `/api/escalations/${c.id}/response`, { note: note[c.id] ?? '' }); cases.reload(); } catch (err) { setError(err); } }}>
                      <input name="note" value={note[c.id] ?? ''} onChange={(e) => setNote({ ...note, [c.id]: e.target.value })} />
                      <button type="submit">{t('answer')}</button>
                      <FieldError error={error} field="note" />
                    </form>
                  )}
                </li>
              ))}
              <LoadMore list={cases} />
            </ul>
          )
        }
      </Loading>
    </Section>
  );
}

function Claims() {
  const { t } = useApp();
  const claims = useLoad(() => api('GET', '/api/claims'));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const answer = async (id: string, value: 'accept' | 'dispute') => {
    try {
      await api('POST', `/api/challenges/${id}/claim-answer`, { answer: value, reason });
      claims.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={t('claims')}>
      <Loading state={claims}>
        {() => claims.data.length === 0 ? <p>{t('nothing')}</p> : (
          <ul>
            {claims.data.map((c: any) => (
              <li key={c.id}>
                {c.raisedBy.nameFa}: {c.description} — {c.claimStatus}
                {c.claimStatus === 'awaiting_answer' && (
                  <span>
                    <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
                    <button onClick={() => answer(c.id, 'accept')}>{t('accept')}</button>
                    <button onClick={() => answer(c.id, 'dispute')}>{t('dispute')}</button>
                    <FieldError error={error} field="reason" />
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </Section>
  );
}

export function AgencyWorkspace() {
  const { t, user } = useApp();
  const projects = usePaged(`/api/projects?leadAgencyId=${user?.organizationId ?? ''}`, [user?.organizationId]);
  return (
    <div className="workspace" data-workspace="agency">
      <h1>{t('myProjects')}</h1>
      <Loading state={projects}>
        {() => (
          <>
            {(projects.data ?? []).map((p: any) => <MyProject key={p.id} project={p} />)}
            <LoadMore list={projects} />
          </>
        )}
      </Loading>
      <Escalations />
      <Claims />
    </div>
  );
}
