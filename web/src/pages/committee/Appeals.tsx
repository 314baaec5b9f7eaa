import { useState } from 'react';
import { call, client, type Schema } from '../../api';
import { useApp } from '../../app-context';
import { LABELS, type LabelKey } from '../../i18n';
import { DateText, FieldError, Loading, LoadMore, Num, Percent, Section, usePaged } from '../../ui';
import { EvidenceLink, Refusal, WhyNot } from '../../verification';

/** An appeal as the API gives it (its OpenAPI schema). */
export type AppealView = Schema<'AppealView'>;

/** Uphold the decision, or overturn it at a percent (default: the declared one). */
function AppealDecisionForm({ appeal, onDone }: { appeal: AppealView; onDone(): void }) {
  const { t } = useApp();
  const [action, setAction] = useState<'uphold' | 'overturn'>('uphold');
  const [percent, setPercent] = useState(String(appeal.declaredPercent ?? ''));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const idOf = (name: string) => `ap-${appeal.id}-${name}`;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await call(client.POST('/api/appeals/{id}/decision', {
        params: { path: { id: appeal.id } },
        body: {
          action,
          ...(action === 'overturn' && percent !== '' ? { verifiedPercent: Number(percent) } : {}),
          reason,
        },
      }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="decide appeal-decision" onSubmit={submit} data-appeal-decision={appeal.id}>
      <label htmlFor={idOf('action')}>
        {t('decide')}
        <select id={idOf('action')} name="action" value={action} onChange={(e) => setAction(e.target.value as 'uphold' | 'overturn')}>
          <option value="uphold">{t('uphold')}</option>
          <option value="overturn">{t('overturn')}</option>
        </select>
        <FieldError error={error} field="action" />
      </label>
      {action === 'overturn' && (
        <label htmlFor={idOf('percent')}>
          {t('overturnPercent')}
          <input id={idOf('percent')} name="verifiedPercent" type="number" min={0} max={100} step={1} value={percent} onChange={(e) => setPercent(e.target.value)} />
          <FieldError error={error} field="verifiedPercent" />
        </label>
      )}
      <label htmlFor={idOf('reason')}>
        {t('reason')}
        <textarea id={idOf('reason')} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        <FieldError error={error} field="reason" />
      </label>
      <button type="submit" disabled={busy}>{t('decide')}</button>
      <Refusal error={error} fields={['action', 'verifiedPercent', 'reason']} />
    </form>
  );
}

/** A decision's outcome in words (accepted, accepted_lower, rejected), or as the API wrote it. */
export const outcomeLabel = (t: (k: LabelKey) => string, outcome: string) => (outcome in LABELS.en ? t(outcome as LabelKey) : outcome);

/** The decision an appeal contests: its outcome and percent against the declared one. */
export function AppealedDecision({ appeal }: { appeal: AppealView }) {
  const { t } = useApp();
  return (
    <span className="appealed-decision" data-outcome={appeal.decisionOutcome}>
      {outcomeLabel(t, appeal.decisionOutcome)}
      {appeal.decidedPercent !== null && appeal.decidedPercent !== undefined && <> (<Percent value={appeal.decidedPercent} />)</>}
      {' · '}{t('declared')} <Percent value={appeal.declaredPercent} />
      {' · '}<DateText value={appeal.decidedAt} />
    </span>
  );
}

/** Pending appeals against verification decisions; a member who did not decide, and is independent, rules. */
export function Appeals({ onDecided }: { onDecided?(): void }) {
  const { t, lang, user } = useApp();
  const appeals = usePaged((after) => call(client.GET('/api/appeals', { params: { query: { status: 'pending', after } } })));
  const done = () => {
    appeals.reload();
    onDecided?.();
  };
  return (
    <Section title={t('appeals')} id="appeals">
      <Loading state={appeals} empty={t('nothing')}>
        {(items) => (
          <>
            <table className="appeals">
              <thead>
                <tr>
                  <th scope="col">{t('item')}</th>
                  <th scope="col">{t('decisionAppealed')}</th>
                  <th scope="col">{t('agencyReason')}</th>
                  <th scope="col">{t('deadline')}</th>
                  <th scope="col">{t('decide')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} data-appeal={a.id} data-item-code={a.itemCode} data-may-decide={String(a.mayDecide ?? true)}>
                    <td>
                      <a href={`#/projects/${a.projectId}`}>{a.projectCode}</a> · <Num value={a.itemCode} /> {lang === 'fa' ? a.itemTitleFa : a.itemTitleEn}
                    </td>
                    <td><AppealedDecision appeal={a} /></td>
                    <td>
                      <p className="appeal-reason">{a.reason}</p>
                      {(a.evidenceIds ?? []).map((id) => <EvidenceLink key={id} id={id} />)}
                      <div className="muted"><DateText value={a.filedAt} time /></div>
                    </td>
                    <td><DateText value={a.deadlineAt} time /></td>
                    <td>
                      {a.mayDecide === false
                        ? <WhyNot code={a.decidedBy === user?.id ? 'original_decider' : 'may_not_decide'} />
                        : <AppealDecisionForm appeal={a} onDone={done} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <LoadMore list={appeals} />
          </>
        )}
      </Loading>
    </Section>
  );
}
