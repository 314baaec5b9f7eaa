import { Fragment, useState } from 'react';
import { ApiError, call, client, type Schema } from '../api';
import { ConfirmApprove } from '../confirm';
import { useApp } from '../app-context';
import { dateExample, digits, formatMoney } from '../format';
import { DateText, FieldError, FormError, Loading, LoadMore, Money, Num, Percent, Section, StateBadge, Term, typedDate, useLoad, usePaged } from '../ui';
import { ExportLinks } from './PlanImport';

type Tranche = Schema<'TrancheSummaryView'>;
type TrancheState = Tranche['state'];

const PIPELINE = ['waiting_on_items', 'awaiting_approval', 'held', 'approved', 'lapsed', 'released', 'closed'] as const;

/** States a lapsed remainder may be carried into (open, and not lapsed itself). */
const CARRY_TARGET_STATES: readonly TrancheState[] = ['waiting_on_items', 'awaiting_approval', 'held', 'approved'];

export function WaitsOn({ waitsOn }: { waitsOn: Tranche['waitsOn'] }) {
  const { t } = useApp();
  if (!waitsOn?.length) return null;
  return (
    <ul className="waits-on">
      {waitsOn.map((w, k) => (
        <li key={k} data-kind={w.kind} data-wait={w.kind === 'earned_progress' ? w.wait : undefined}>
          {w.kind === 'declaration' && <>{t('waitsDeclaration')} <bdi data-i18n-exempt="code">{w.item.projectCode}</bdi> · <Num value={w.item.code} /></>}
          {w.kind === 'verification' && <>{t('waitsVerification')} <bdi data-i18n-exempt="code">{w.item.projectCode}</bdi> · <Num value={w.item.code} /></>}
          {w.kind === 'pbo_decision' && t('waitsPbo')}
          {w.kind === 'release' && t('waitsRelease')}
          {w.kind === 'committee_hold' && <>{t('waitsHold')}: {w.reason} (<DateText value={w.placedAt} />)</>}
          {w.kind === 'earned_progress' && <>{t('waitsEarned')}: <Term code={w.wait} prefix="wait_" /></>}
          {w.kind === 'remainder_decision' && t('waitsRemainder')}
        </li>
      ))}
    </ul>
  );
}

/** A release rule in words: "pro rata, min 1 rial", "banded: ≥80%: 100%, ≥50%: 70%". */
export function RuleText({ rule }: { rule: Schema<'ReleaseRuleView'> | null | undefined }) {
  const { t, lang } = useApp();
  const comma = lang === 'fa' ? '، ' : ', ';
  if (!rule) return null;
  return (
    <span className="rule-text" data-rule={rule.kind}>
      <Term code={rule.kind} prefix="rule_" />
      {rule.kind === 'pro_rata' && <>{comma}{t('minInstallment')} <Money rials={rule.minInstallmentRials} /></>}
      {rule.kind === 'banded' && rule.bands && (
        <>
          {': '}
          {rule.bands.map((b, i) => (
            <Fragment key={i}>
              {i > 0 && comma}
              <span className="band" data-band={i}>≥<Percent value={b.fromPercent} />: <Percent value={b.payPercent} /></span>
            </Fragment>
          ))}
        </>
      )}
    </span>
  );
}

function DecisionForm({ tranche, onDone }: { tranche: Tranche; onDone(): void }) {
  const { t, user } = useApp();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const decide = async (action: Schema<'TrancheDecisionDto'>['action']) => {
    try {
      await call(client.POST('/api/tranches/{id}/decision', { params: { path: { id: tranche.id } }, body: { action, ...(reason ? { reason } : {}) } }));
      setConfirming(false);
      onDone();
    } catch (err) {
      setConfirming(false);
      setError(err);
    }
  };
  if (user?.role !== 'pbo' || !['awaiting_approval', 'held'].includes(tranche.state)) return null;
  return (
    <div className="decision">
      <label>
        {t('reason')}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <FieldError error={error} field="reason" />
      </label>
      {tranche.createdBy !== user.id && (
        <button type="button" className="approve" data-testid={`approve-${tranche.number}`} aria-haspopup="dialog" onClick={() => setConfirming(true)}>{t('approve')}</button>
      )}
      {tranche.state !== 'held' && <button type="button" onClick={() => decide('hold')}>{t('hold')}</button>}
      <button type="button" className="danger" onClick={() => decide('reject')}>{t('reject')}</button>
      <FormError error={error} fields={['reason']} />
      {confirming && <ConfirmApprove tranche={tranche} onConfirm={() => decide('approve')} onCancel={() => setConfirming(false)} />}
    </div>
  );
}

/** What only the single tranche answers: earned, shortfall, installments, the next one, remainder decisions. */
function TrancheDetails({ tranche }: { tranche: Tranche }) {
  const { t } = useApp();
  // Re-read whenever the summary moves (a decision, an installment, a carried-in remainder).
  const version = `${tranche.state}|${tranche.stateChangedAt}|${tranche.releasedRials}|${tranche.amountRials}`;
  const detail = useLoad(() => call(client.GET('/api/tranches/{id}', { params: { path: { id: tranche.id } } })), [tranche.id, version]);
  return (
    <Loading state={detail}>
      {(d) => {
        const next = d.nextInstallment;
        return (
          <div className="tranche-details">
            <p>
              <span data-money="earned">{t('earned')} <Money rials={d.earnedRials} /></span>
              {' · '}{t('fundedVerified')} <Percent value={d.fundedVerifiedHundredths / 100} />
              {BigInt(d.shortfallRials) > 0n && <span className="shortfall" data-money="shortfall"> · {t('shortfall')} <Money rials={d.shortfallRials} /></span>}
            </p>
            <h4>{t('installments')}</h4>
            {d.installments.length === 0 ? <p className="muted">{t('noInstallments')}</p> : (
              <table className="installments">
                <tbody>
                  {d.installments.map((i) => (
                    <tr key={i.number} data-installment={i.number}>
                      <td><Num value={i.number} /></td>
                      <td><Money rials={i.amountRials} /></td>
                      <td><StateBadge state={i.state} /></td>
                      <td>{i.approvedByName ? <>{t('approvedBy')} {i.approvedByName}</> : '—'}</td>
                      <td><DateText value={i.releasedAt} time /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {next && (
              <p className="next-installment" data-waiting-for={next.waitingFor ?? ''}>
                {t('nextInstallment')} <Num value={next.number} />
                {next.final && <> ({t('finalInstallment')})</>}:{' '}
                {next.waitingFor === null ? (
                  <>{t('payable')} <Money rials={next.payableRials} /></>
                ) : (
                  <>
                    {t('waitingFor')} <Term code={next.waitingFor} prefix="wait_" />
                    {next.moreToEarnRials && <> · {t('moreToEarn')} <Money rials={next.moreToEarnRials} /></>}
                  </>
                )}
              </p>
            )}
            {d.carriedIn.length > 0 && (
              <ul className="carried-in">
                {d.carriedIn.map((c) => (
                  <li key={c.decisionId}>{t('carriedIn')} <Num value={c.fromTrancheNumber} />: <Money rials={c.amountRials} /></li>
                ))}
              </ul>
            )}
            {d.remainderDecisions.length > 0 && (
              <>
                <h4>{t('remainderDecisions')}</h4>
                <ul className="remainder-decisions">
                  {d.remainderDecisions.map((r) => (
                    <li key={r.id} data-action={r.action} data-status={r.status}>
                      <Term code={r.action} /> · <Term code={r.status} />
                      {r.remainderRials && <> · <Money rials={r.remainderRials} /></>}
                      {r.dueAt && <> · {t('due')} <DateText value={r.dueAt} /></>}
                      {' · '}{r.decidedByName ?? ''} (<DateText value={r.requestedAt} />): {r.reason}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        );
      }}
    </Loading>
  );
}

/** A PBO decision on a lapsed tranche's remainder; four eyes (the creator is refused with 403, shown). */
function RemainderForm({ tranche, onDone }: { tranche: Tranche; onDone(): void }) {
  const { t, lang, toman } = useApp();
  const [action, setAction] = useState<Schema<'RemainderDecisionDto'>['action']>('carry_forward');
  const [target, setTarget] = useState('');
  const [due, setDue] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const siblings = useLoad(() => call(client.GET('/api/projects/{id}/tranches', { params: { path: { id: tranche.projectId } } })), [tranche.projectId]);
  const targets = (siblings.data ?? []).filter((x) => x.id !== tranche.id && CARRY_TARGET_STATES.includes(x.state));
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body: Schema<'RemainderDecisionDto'> = { action, reason };
      if (action === 'carry_forward' && target) body.targetTrancheId = target;
      if (action === 'extend' && due.trim()) body.dueAt = typedDate(due, lang, 'dueAt', t('dateFormat'));
      await call(client.POST('/api/tranches/{id}/remainder', { params: { path: { id: tranche.id } }, body }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = ['action', 'targetTrancheId', 'dueAt', 'reason'];
  return (
    <form className="remainder decide" onSubmit={submit} data-remainder={tranche.id}>
      <label>
        <strong>{t('remainderDecision')}</strong>
        <select name="action" value={action} onChange={(e) => setAction(e.target.value as typeof action)}>
          {(['carry_forward', 'return_to_budget', 'extend'] as const).map((a) => <option key={a} value={a}>{t(a)}</option>)}
        </select>
        <FieldError error={error} field="action" />
      </label>
      {action === 'carry_forward' && (
        <label>
          {t('targetTranche')}
          <select name="targetTrancheId" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{targets.length ? '—' : t('noOpenTranche')}</option>
            {targets.map((x) => (
              <option key={x.id} value={x.id}>
                {`${t('tranche')} ${digits(x.number, lang)} · ${formatMoney(x.amountRials, lang, toman)}${x.title ? ` — ${x.title}` : ''}`}
              </option>
            ))}
          </select>
          <FieldError error={error} field="targetTrancheId" />
        </label>
      )}
      {action === 'extend' && (
        <label>
          {t('newDueDate')}
          <input name="dueAt" value={due} onChange={(e) => setDue(e.target.value)} placeholder={dateExample(lang)} dir="ltr" />
          <FieldError error={error} field="dueAt" />
        </label>
      )}
      <label>
        {t('reason')}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <FieldError error={error} field="reason" />
      </label>
      <button type="submit" disabled={busy}>{t('decide')}</button>
      {error instanceof ApiError && error.status === 403 ? (
        <div className="form-error" role="alert" data-status="403">{t('notByCreator')}</div>
      ) : (
        <FormError error={error} fields={fields} />
      )}
    </form>
  );
}

export function TrancheCard({ tranche, onChange, detailsOpen = false }: { tranche: Tranche; onChange(): void; detailsOpen?: boolean }) {
  const { t, user } = useApp();
  const [open, setOpen] = useState(detailsOpen);
  const undisbursed = BigInt(tranche.undisbursedRials ?? '0');
  const released = BigInt(tranche.releasedRials ?? '0');
  return (
    <article className="tranche" data-tranche={tranche.number} data-id={tranche.id} data-state={tranche.state}>
      <header>
        <strong>{t('tranche')} <Num value={tranche.number} /></strong>{tranche.title && <> — <span className="tranche-title" data-i18n-exempt="data">{tranche.title}</span></>} <StateBadge state={tranche.state} />{' '}
        <a href={`#/projects/${tranche.projectId}`}>{t('project')}</a> · <Money rials={tranche.amountRials} />
      </header>
      <p className="terms">
        {t('releaseRule')}: <RuleText rule={tranche.releaseRule} />
        {tranche.dueAt && <span className="due" data-due={tranche.dueAt}> · {t('due')} <DateText value={tranche.dueAt} /></span>}
      </p>
      {(released > 0n || tranche.releaseRule?.kind !== 'all_or_nothing' || tranche.state === 'lapsed' || undisbursed > 0n) && (
        <p className="money-line">
          <span data-money="released">{t('releasedAmount')} <Money rials={tranche.releasedRials} /></span>
          {(tranche.state === 'lapsed' || undisbursed > 0n) && (
            <span data-money="undisbursed"> · {t('undisbursed')} <Money rials={tranche.undisbursedRials} /></span>
          )}
        </p>
      )}
      <WaitsOn waitsOn={tranche.waitsOn} />
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{t('details')}</summary>
        {open && <TrancheDetails tranche={tranche} />}
      </details>
      <DecisionForm tranche={tranche} onDone={onChange} />
      {user?.role === 'pbo' && tranche.state === 'lapsed' && <RemainderForm tranche={tranche} onDone={onChange} />}
    </article>
  );
}

/** One state of the pipeline, newest first, a page at a time. */
function PipelineColumn({ state, version, onChange }: { state: TrancheState; version: number; onChange(): void }) {
  const tranches = usePaged((after) => call(client.GET('/api/tranches', { params: { query: { state, after } } })), [state, version]);
  return (
    <div className="column" data-column={state}>
      <h3>
        <StateBadge state={state} /> <Num value={tranches.data?.length ?? 0} />
        {tranches.next ? '+' : ''}
      </h3>
      <Loading state={tranches}>
        {(list) => (
          <>
            {list.map((x) => (
              <TrancheCard key={x.id} tranche={x} onChange={onChange} />
            ))}
            <LoadMore list={tranches} />
          </>
        )}
      </Loading>
    </div>
  );
}

export function PboWorkspace() {
  const { t, lang } = useApp();
  const [version, setVersion] = useState(0);
  const balances = useLoad(() => call(client.GET('/api/ledger/balances')));
  const portfolios = useLoad(() =>
    call(client.GET('/api/public/portfolios')).then(async (list) =>
      Promise.all(list.map((p) => call(client.GET('/api/public/portfolios/{id}', { params: { path: { id: p.id } } })))),
    ),
  );
  return (
    <div className="workspace" data-workspace="pbo">
      <Section title={t('pipeline')}>
        <div className="pipeline">
          {PIPELINE.map((state) => (
            <PipelineColumn key={state} state={state} version={version} onChange={() => setVersion((v) => v + 1)} />
          ))}
        </div>
        <ExportLinks kind="pipeline" />
      </Section>
      <Section title={t('balances')}>
        <ExportLinks kind="ledger" />
        <Loading state={balances} empty={t('emptyList')}>
          {(list) => (
            <table>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-account={a.kind}>
                    <td>{a.organization ? (lang === 'fa' ? a.organization.nameFa : a.organization.nameEn) : <Term code={a.kind} prefix="account_" />}</td>
                    <td><Money rials={a.balanceRials} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
      </Section>
      <Section title={t('budgetVsReleased')}>
        <Loading state={portfolios} empty={t('emptyList')}>
          {(list) => (
            <table>
              <thead><tr><th>{t('portfolios')}</th><th>{t('budget')}</th><th>{t('releasedAmount')}</th></tr></thead>
              <tbody>
                {list.map((p) => {
                  const sum = (k: 'budgetRials' | 'releasedRials') => p.projects.reduce((s, x) => s + BigInt(x[k] ?? 0), 0n).toString();
                  return (
                    <tr key={p.id}><td>{lang === 'fa' ? p.nameFa : p.nameEn}</td><td><Money rials={sum('budgetRials')} /></td><td><Money rials={sum('releasedRials')} /></td></tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Loading>
      </Section>
    </div>
  );
}
