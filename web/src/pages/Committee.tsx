import { useEffect, useState } from 'react';
import { formatJalali, toJalali } from '@pelekan/core';
import { api, blobUrl, call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import { digits, parseDateInput } from '../format';
import type { LabelKey } from '../i18n';
import { type RevisionDetail, RevisionDiff } from '../plan-editor/PlanDiff';
import { DateText, FieldError, FormError, Loading, LoadMore, Num, Percent, Section, Term, useLoad, useMore } from '../ui';
import { Appeals } from './committee/Appeals';
import { FieldChecksDue } from './committee/FieldChecks';
import { Rates } from './committee/Rates';
import { Samples } from './committee/Samples';
import { StageTimes } from './committee/StageTimes';

function EvidencePreview({ file }: { file: Schema<'EvidenceSummaryView'> }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let revoke: string | null = null;
    blobUrl(`/api/evidence/${file.id}/content`).then((u) => setUrl((revoke = u)), () => setUrl(null));
    return () => { if (revoke) URL.revokeObjectURL(revoke); };
  }, [file.id]);
  if (!url) return <span>{file.filename}</span>;
  return file.contentType?.startsWith('image/')
    ? <img className="evidence" src={url} alt={file.filename} />
    : <a href={url} target="_blank" rel="noreferrer" data-evidence={file.id}>{file.filename}</a>;
}

function DeclarationDecision({ d, onDone }: { d: Schema<'DeclarationView'>; onDone(): void }) {
  const { t } = useApp();
  const [decision, setDecision] = useState<Schema<'DecideDeclarationDto'>['decision']>('accept');
  const [percent, setPercent] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await call(client.POST('/api/declarations/{id}/decision', {
        params: { path: { id: d.id } },
        body: {
          decision,
          ...(decision === 'accept_lower' ? { verifiedPercent: Number(percent) } : {}),
          ...(reason ? { reason } : {}),
        },
      }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  if (d.conflictOfInterest) return <p className="muted">—</p>;
  return (
    <form className="decide" onSubmit={submit} data-decide={d.id}>
      <select name="decision" aria-label={t('decide')} value={decision} onChange={(e) => setDecision(e.target.value as typeof decision)}>
        <option value="accept">{t('verify')}</option>
        <option value="accept_lower">{t('acceptLower')}</option>
        <option value="reject">{t('reject')}</option>
      </select>
      {decision === 'accept_lower' && <input name="verifiedPercent" aria-label={t('percent')} type="number" value={percent} onChange={(e) => setPercent(e.target.value)} />}
      <FieldError error={error} field="verifiedPercent" />
      <input name="reason" aria-label={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
      <FieldError error={error} field="reason" />
      <button type="submit">{t('decide')}</button>
      <FormError error={error} fields={['verifiedPercent', 'reason']} />
    </form>
  );
}

function CaseDecision({ c, onDone }: { c: Schema<'CaseView'>; onDone(): void }) {
  const { t, lang } = useApp();
  const [action, setAction] = useState<Schema<'CaseDecisionDto'>['action']>('extend_due_date');
  const [reason, setReason] = useState('');
  const [due, setDue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      let newDueAt: string | undefined;
      if (action === 'extend_due_date' && due) newDueAt = parseDateInput(due, lang).toISOString();
      await call(client.POST('/api/escalations/{id}/decision', { params: { path: { id: c.id } }, body: { action, reason, ...(newDueAt ? { newDueAt } : {}) } }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="decide" onSubmit={submit}>
      <select name="action" aria-label={t('decide')} value={action} onChange={(e) => setAction(e.target.value as typeof action)}>
        {(['extend_due_date', 'require_revision', 'hold_tranches', 'accept_justification'] as const).map((a) => <option key={a} value={a}>{t(a)}</option>)}
      </select>
      {action === 'extend_due_date' && (
        <label>{t('newDue')}<input name="newDueAt" value={due} onChange={(e) => setDue(e.target.value)} placeholder={lang === 'fa' ? '۱۴۰۶/۰۱/۱۵' : '2027-04-04'} /></label>
      )}
      <FieldError error={error} field="newDueAt" />
      <input name="reason" aria-label={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
      <FieldError error={error} field="reason" />
      <button type="submit">{t('decide')}</button>
      <FormError error={error} fields={['newDueAt', 'reason']} />
    </form>
  );
}

/** A revision in the committee's queue (the queue's document leaves its rows untyped). */
interface QueuedRevision {
  id: string;
  number: number;
  reason: string;
  project: { code: string };
}

function RevisionReview({ r, onDone }: { r: QueuedRevision; onDone(): void }) {
  const { t } = useApp();
  const detail = useLoad(() => api<RevisionDetail>('GET', `/api/plan-revisions/${r.id}`), [r.id]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const decide = async (action: string) => {
    try { await api('POST', `/api/plan-revisions/${r.id}/decision`, { action, reason }); onDone(); } catch (err) { setError(err); }
  };
  return (
    <article className="revision" data-revision={r.id}>
      <strong>{r.project.code}</strong> — <Num value={r.number} />: {r.reason}
      <Loading state={detail}>{(revision) => <RevisionDiff revision={revision} />}</Loading>
      <label>{t('reason')} <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <button type="button" onClick={() => decide('approve')}>{t('accept')}</button>
      <button type="button" className="danger" onClick={() => decide('reject')}>{t('reject')}</button>
      <FieldError error={error} field="reason" />
      <FormError error={error} fields={['reason']} />
    </article>
  );
}

function Pack() {
  const { t, lang } = useApp();
  const [month, setMonth] = useState(() => digits(formatJalali(toJalali(new Date())).slice(0, 7).replace('/', '-'), lang));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const url = await blobUrl(`/api/committee/pack?month=${encodeURIComponent(month)}&format=html&lang=${lang}`);
      window.open(url, '_blank');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('pack')}>
      <label>{t('month')}<input name="month" value={month} onChange={(e) => setMonth(e.target.value)} /></label>
      <button type="button" onClick={open} disabled={busy}>{t('open')}</button>
      {busy && <progress aria-label={t('loadingText')} />}
      <FormError error={error} />
    </Section>
  );
}

function DeclarationsQueue({ first, onDone }: { first: Schema<'DeclarationPageView'>; onDone(): void }) {
  const { t, lang } = useApp();
  const list = useMore(first, (after) => call(client.GET('/api/declarations/pending', { params: { query: { after } } })));
  if (list.items.length === 0) return <p role="status">{t('nothing')}</p>;
  return (
    <>
      <table className="queue">
        <tbody>
          {list.items.map((d) => (
            <tr key={d.id} data-declaration={d.itemCode}>
              <td><DateText value={d.declaredAt} /></td>
              <td><Num value={d.itemCode} /> · {lang === 'fa' ? d.itemTitleFa : d.itemTitleEn}</td>
              <td><Percent value={d.percent} /> — {d.note}</td>
              <td>{d.evidence.map((f) => <EvidencePreview key={f.id} file={f} />)}</td>
              <td><DeclarationDecision d={d} onDone={onDone} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} />
      <FormError error={list.error} />
    </>
  );
}

function LevelCases({ level, first, onDone }: { level: 1 | 2 | 3 | 4; first: Schema<'CasePageView'>; onDone(): void }) {
  const { t, lang } = useApp();
  const list = useMore(first, (after) => call(client.GET('/api/escalations', { params: { query: { status: 'live', level, after } } })));
  return (
    <div>
      <h3>{t('level')} <Num value={level} /></h3>
      {list.items.map((c) => (
        <div key={c.id} className="case">
          <bdi data-i18n-exempt="code">{c.project.code}</bdi> · <Num value={c.item.code} /> {lang === 'fa' ? c.item.titleFa : c.item.titleEn} (<Term code={c.reason} prefix="case_" />)
          <CaseDecision c={c} onDone={onDone} />
        </div>
      ))}
      <LoadMore list={list} />
      <FormError error={list.error} />
    </div>
  );
}

const TABS = ['queue', 'fieldChecks', 'appeals', 'samples', 'rates', 'stageTimes'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, LabelKey> = {
  queue: 'tab_queue',
  fieldChecks: 'fieldChecksDue',
  appeals: 'appeals',
  samples: 'samples',
  rates: 'discrepancyRates',
  stageTimes: 'stageTimes',
};

function QueueTab() {
  const { t } = useApp();
  const queue = useLoad(() => call(client.GET('/api/committee/queue')));
  return (
    <>
      <Section title={t('declarationsQueue')}>
        <Loading state={queue}>
          {(q) => <DeclarationsQueue first={q.declarations} onDone={queue.reload} />}
        </Loading>
      </Section>
      <Section title={t('escalations')}>
        <Loading state={queue}>
          {(q) => (
            <>
              {([4, 3, 2, 1] as const).map((level) => (
                <LevelCases key={level} level={level} first={q.cases[level]} onDone={queue.reload} />
              ))}
            </>
          )}
        </Loading>
      </Section>
      <Section title={t('revisions')}>
        <Loading state={queue}>{(q) => <>{(q.revisions as unknown as QueuedRevision[]).map((r) => <RevisionReview key={r.id} r={r} onDone={queue.reload} />)}</>}</Loading>
      </Section>
      <Pack />
    </>
  );
}

export function CommitteeWorkspace() {
  const { t } = useApp();
  const [tab, setTab] = useState<Tab>('queue');
  // A field check changes the rates; they are fetched again when next shown.
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const onKey = (e: React.KeyboardEvent) => {
    const step = e.key === 'ArrowLeft' ? 1 : e.key === 'ArrowRight' ? -1 : 0;
    if (!step) return;
    // In RTL the next tab is to the left; in LTR to the right.
    const rtl = document.documentElement.dir === 'rtl';
    const next = TABS[(TABS.indexOf(tab) + (rtl ? step : -step) + TABS.length) % TABS.length];
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <div className="workspace" data-workspace="committee">
      <div className="tabs" role="tablist" aria-label={t('committeeSections')} onKeyDown={onKey}>
        {TABS.map((k) => (
          <button
            key={k}
            id={`tab-${k}`}
            type="button"
            role="tab"
            data-tab={k}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            onClick={() => setTab(k)}
          >
            {t(TAB_LABELS[k])}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} data-panel={tab}>
        {tab === 'queue' && <QueueTab />}
        {tab === 'fieldChecks' && <FieldChecksDue onChecked={bump} />}
        {tab === 'appeals' && <Appeals onDecided={bump} />}
        {tab === 'samples' && <Samples key={version} />}
        {tab === 'rates' && <Rates version={version} />}
        {tab === 'stageTimes' && <StageTimes />}
      </div>
    </div>
  );
}
