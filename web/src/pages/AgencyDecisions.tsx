import { useState } from 'react';
import { call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import { DateText, FieldError, Loading, Percent, useLoad } from '../ui';
import { Refusal } from '../verification';
import { outcomeLabel } from './committee/Appeals';

/** A declaration as the API gives it, and the committee's decision on it (their OpenAPI schemas). */
type Declaration = Schema<'DeclarationView'>;
type Decision = NonNullable<Declaration['decision']>;

/** An appeal of a rejection or lower acceptance: a reason, and the declaration's evidence it rests on. */
function AppealForm({ declaration, decision, onDone }: { declaration: Declaration; decision: Decision; onDone(): void }) {
  const { t } = useApp();
  const [reason, setReason] = useState('');
  const [evidenceIds, setEvidenceIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await call(client.POST('/api/verification-decisions/{id}/appeal', { params: { path: { id: decision.id } }, body: { reason, evidenceIds } }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string, on: boolean) => setEvidenceIds((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  return (
    <form className="decide appeal" onSubmit={submit} data-appeal-form={decision.id}>
      <label htmlFor={`appeal-${decision.id}-reason`}>
        {t('reason')}
        <textarea id={`appeal-${decision.id}-reason`} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        <FieldError error={error} field="reason" />
      </label>
      <fieldset>
        <legend>{t('declarationEvidence')}</legend>
        {declaration.evidence.length === 0 && <span className="muted">{t('noEvidence')}</span>}
        {declaration.evidence.map((f) => (
          <label key={f.id} className="check">
            <input type="checkbox" name="evidenceIds" value={f.id} checked={evidenceIds.includes(f.id)} onChange={(e) => toggle(f.id, e.target.checked)} />
            {f.filename}
          </label>
        ))}
        <FieldError error={error} field="evidenceIds" />
      </fieldset>
      <button type="submit" disabled={busy}>{t('fileAppeal')}</button>
      <Refusal error={error} fields={['reason', 'evidenceIds']} />
    </form>
  );
}

/** A declaration's decision, with its appeal's status, or the appeal button while the window is open. */
function DecisionLine({ d, onChange }: { d: Declaration; onChange(): void }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  const decision = d.decision;
  if (!decision) return <span className="muted">{t('pending')}</span>;
  const appealable = !decision.appeal && !!decision.appealableUntil && new Date(decision.appealableUntil).getTime() > Date.now();
  return (
    <div className="decision-line" data-decision={decision.id} data-outcome={decision.outcome}>
      <strong>{outcomeLabel(t, decision.outcome)}</strong>
      {decision.verifiedPercent !== null && <> (<Percent value={decision.verifiedPercent} />)</>} · <DateText value={decision.decidedAt} />
      {decision.reason && <> — {decision.reason}</>}
      {decision.appeal && (
        <div className="appeal-status" data-appeal={decision.appeal.id} data-status={decision.appeal.status}>
          {t('appealStatus')}: <span className={`badge appeal-${decision.appeal.status}`}>{t(decision.appeal.status)}</span>
        </div>
      )}
      {appealable && (
        <div>
          <span className="muted">{t('appealableUntil')} <DateText value={decision.appealableUntil} time /></span>{' '}
          <button type="button" aria-expanded={open} data-appeal-open={decision.id} onClick={() => setOpen(!open)}>{t('appeal')}</button>
          {open && <AppealForm declaration={d} decision={decision} onDone={() => { setOpen(false); onChange(); }} />}
        </div>
      )}
    </div>
  );
}

/** An item's declarations, newest first, with the committee's decisions and the agency's appeals. */
export function ItemDeclarations({ itemId }: { itemId: string }) {
  const { t } = useApp();
  const list = useLoad(() => call(client.GET('/api/items/{id}/declarations', { params: { path: { id: itemId } } })), [itemId]);
  return (
    <div className="item-declarations" data-item-declarations={itemId}>
      <h4>{t('declarationsAndDecisions')}</h4>
      <Loading state={list}>
        {(items) => {
          if (items.length === 0) return <p role="status">{t('nothing')}</p>;
          return (
            <table>
              <thead>
                <tr><th scope="col">{t('declaration')}</th><th scope="col">{t('percent')}</th><th scope="col">{t('decide')}</th></tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.id} data-declaration-id={d.id}>
                    <td><DateText value={d.declaredAt} /> — {d.note}</td>
                    <td><Percent value={d.percent} /></td>
                    <td><DecisionLine d={d} onChange={list.reload} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loading>
    </div>
  );
}
