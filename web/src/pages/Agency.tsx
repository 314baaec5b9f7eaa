import { useState } from 'react';
import { call, client, upload, type Schema } from '../api';
import { useApp } from '../app-context';
import { DateText, FieldError, FormError, Loading, LoadMore, Num, Percent, Section, Term, useLoad, usePaged } from '../ui';
import { ItemDeclarations } from './AgencyDecisions';
import { TrancheCard } from './Pbo';

function DeclareForm({ item, onDone }: { item: Schema<'ActionItemView'>; onDone(): void }) {
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
        evidenceIds.push((await upload<Schema<'EvidenceFileView'>>('/api/evidence', file, setProgress)).id);
      }
      await call(client.POST('/api/items/{id}/declarations', { params: { path: { id: item.id } }, body: { percent: Number(percent), note, evidenceIds } }));
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

function MyProject({ project }: { project: Pick<Schema<'ProjectView'>, 'id' | 'code' | 'nameFa' | 'nameEn'> }) {
  const { t, lang } = useApp();
  const path = { params: { path: { id: project.id } } };
  const plan = useLoad(() => call(client.GET('/api/projects/{id}/action-plan', path)), [project.id]);
  const tranches = useLoad(() => call(client.GET('/api/projects/{id}/tranches', path)), [project.id]);
  const [open, setOpen] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  return (
    <Section title={`${project.code} — ${lang === 'fa' ? project.nameFa : project.nameEn}`}>
      <a href={`#/projects/${project.id}`}>{t('actionChain')} →</a>
      <Loading state={plan}>
        {(p) => (
          <table className="items">
            <thead>
              <tr><th>{t('item')}</th><th>{t('weight')}</th><th>{t('due')}</th><th>{t('declared')}</th><th>{t('verified')}</th><th /></tr>
            </thead>
            <tbody>
              {p.items.map((i) => (
                <tr key={i.id} data-item={i.code}>
                  <td><Num value={i.code} /> · {lang === 'fa' ? i.titleFa : i.titleEn}</td>
                  <td><Num value={i.weight} /></td>
                  <td><DateText value={i.dueAt} /></td>
                  <td><Percent value={i.declaredPercent} /></td>
                  <td><Percent value={i.verifiedPercent} /></td>
                  <td>
                    <button type="button" aria-expanded={open === i.id} onClick={() => setOpen(open === i.id ? null : i.id)}>{t('declare')}</button>
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
      <Loading state={tranches}>{(list) => <>{list.map((x) => <TrancheCard key={x.id} tranche={x} onChange={tranches.reload} />)}</>}</Loading>
    </Section>
  );
}

function Escalations() {
  const { t, lang } = useApp();
  const cases = usePaged((after) => call(client.GET('/api/escalations', { params: { query: { after } } })));
  const [note, setNote] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  return (
    <Section title={t('escalations')}>
      <Loading state={cases}>
        {(list) =>
          list.length === 0 ? <p role="status">{t('nothing')}</p> : (
            <ul>
              {list.map((c) => (
                <li key={c.id}>
                  <bdi data-i18n-exempt="code">{c.project.code}</bdi> · <Num value={c.item.code} /> {lang === 'fa' ? c.item.titleFa : c.item.titleEn} — {t('level')} <Num value={c.level} /> (<Term code={c.reason} prefix="case_" />)
                  {c.agencyResponse ? <p>{c.agencyResponse}</p> : (
                    <form onSubmit={async (e) => { e.preventDefault(); try { await call(client.POST('/api/escalations/{id}/response', { params: { path: { id: c.id } }, body: { note: note[c.id] ?? '' } })); cases.reload(); } catch (err) { setError(err); } }}>
                      <input name="note" aria-label={t('note')} value={note[c.id] ?? ''} onChange={(e) => setNote({ ...note, [c.id]: e.target.value })} />
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
  const { t, lang } = useApp();
  const claims = useLoad(() => call(client.GET('/api/claims')));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const answer = async (id: string, value: 'accept' | 'dispute') => {
    try {
      await call(client.POST('/api/challenges/{id}/claim-answer', { params: { path: { id } }, body: { answer: value, reason } }));
      claims.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={t('claims')}>
      <Loading state={claims}>
        {(list) => list.length === 0 ? <p role="status">{t('nothing')}</p> : (
          <ul>
            {list.map((c) => (
              <li key={c.id}>
                {lang === 'fa' ? c.raisedBy.nameFa : c.raisedBy.nameEn}: {c.description} — <Term code={c.claimStatus} prefix="claim_" />
                {c.claimStatus === 'awaiting_answer' && (
                  <span>
                    <input name="reason" aria-label={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
                    <button type="button" onClick={() => answer(c.id, 'accept')}>{t('accept')}</button>
                    <button type="button" onClick={() => answer(c.id, 'dispute')}>{t('dispute')}</button>
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
  const projects = usePaged(
    (after) => call(client.GET('/api/projects', { params: { query: { leadAgencyId: user?.organizationId ?? undefined, after } } })),
    [user?.organizationId],
  );
  return (
    <div className="workspace" data-workspace="agency">
      <h1>{t('myProjects')}</h1>
      <Loading state={projects}>
        {(list) => (
          <>
            {list.length === 0 && <p className="muted empty" role="status">{t('emptyList')}</p>}
            {list.map((p) => <MyProject key={p.id} project={p} />)}
            <LoadMore list={projects} />
          </>
        )}
      </Loading>
      <Escalations />
      <Claims />
    </div>
  );
}
