import { useState } from 'react';
import { call, client, upload, type Schema } from '../../api';
import { useApp } from '../../app-context';
import { DateText, FieldError, Loading, Num, Percent, Section, useLoad } from '../../ui';
import { Refusal, WhyNot } from '../../verification';

/** A sampled declaration awaiting a field check (its OpenAPI schema). */
export type FieldCheckDue = Schema<'FieldCheckDueView'>;

/** The outcome of a field check of one sampled declaration, with optional evidence uploaded first. */
function FieldCheckForm({ due, onDone }: { due: FieldCheckDue; onDone(): void }) {
  const { t } = useApp();
  const [outcome, setOutcome] = useState<'confirmed' | 'discrepancy'>('confirmed');
  const [percent, setPercent] = useState('');
  const [reason, setReason] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const idOf = (name: string) => `fc-${due.declarationId}-${name}`;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const evidenceIds: string[] = [];
      if (file) {
        setProgress(0);
        evidenceIds.push((await upload<Schema<'EvidenceFileView'>>('/api/evidence', file, setProgress)).id);
      }
      await call(client.POST('/api/declarations/{id}/field-check', {
        params: { path: { id: due.declarationId } },
        body: {
          outcome,
          ...(outcome === 'discrepancy' && percent !== '' ? { verifiedPercent: Number(percent) } : {}),
          reason,
          evidenceIds,
        },
      }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  const fields = ['outcome', 'verifiedPercent', 'reason', 'evidenceIds', 'file'];
  return (
    <form className="decide field-check" onSubmit={submit} data-field-check={due.declarationId}>
      <fieldset>
        <legend>{t('outcome')}</legend>
        {(['confirmed', 'discrepancy'] as const).map((o) => (
          <label key={o} className="check">
            <input type="radio" name={`outcome-${due.declarationId}`} value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
            {t(o)}
          </label>
        ))}
        <FieldError error={error} field="outcome" />
      </fieldset>
      {outcome === 'discrepancy' && (
        <label htmlFor={idOf('percent')}>
          {t('fieldVerifiedPercent')}
          <input id={idOf('percent')} name="verifiedPercent" type="number" min={0} max={100} step={1} required value={percent} onChange={(e) => setPercent(e.target.value)} />
          <FieldError error={error} field="verifiedPercent" />
        </label>
      )}
      <label htmlFor={idOf('reason')}>
        {t('reason')}
        <textarea id={idOf('reason')} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        <FieldError error={error} field="reason" />
      </label>
      <label htmlFor={idOf('file')}>
        {t('evidenceOptional')}
        <input id={idOf('file')} name="evidence" type="file" accept=".pdf,.png,.jpg,.jpeg" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <FieldError error={error} field="file" />
        <FieldError error={error} field="evidenceIds" />
      </label>
      {progress !== null && <progress value={progress} max={1}>{t('uploading')}</progress>}
      <button type="submit" disabled={busy}>{t('recordCheck')}</button>
      <Refusal error={error} fields={fields} />
    </form>
  );
}

/** Sampled declarations awaiting a field check; the member checks those of other organizations' acceptances. */
export function FieldChecksDue({ onChecked }: { onChecked?(): void }) {
  const { t, lang } = useApp();
  const due = useLoad(() => call(client.GET('/api/field-checks/due')).then((list): FieldCheckDue[] => list.items));
  const done = () => {
    due.reload();
    onChecked?.();
  };
  return (
    <Section title={t('fieldChecksDue')} id="field-checks">
      <Loading state={due} empty={t('nothing')}>
        {(items) => (
          <table className="field-checks">
            <thead>
              <tr>
                <th scope="col">{t('item')}</th>
                <th scope="col">{t('project')}</th>
                <th scope="col">{t('acceptedPercent')}</th>
                <th scope="col">{t('acceptedBy')}</th>
                <th scope="col">{t('fieldCheck')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.declarationId} data-due={d.declarationId} data-item-code={d.itemCode} data-may-check={String(d.mayCheck)}>
                  <td><Num value={d.itemCode} /> · {lang === 'fa' ? d.itemTitleFa : d.itemTitleEn}</td>
                  <td><a href={`#/projects/${d.projectId}`}>{d.projectCode}</a></td>
                  <td><Percent value={d.acceptedPercent} /></td>
                  <td>{d.acceptedByName} · <DateText value={d.acceptedAt} /></td>
                  <td>{d.mayCheck ? <FieldCheckForm due={d} onDone={done} /> : <WhyNot code={d.whyNot ?? 'may_not_check'} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Section>
  );
}
