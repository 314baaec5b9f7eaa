import { useState } from 'react';
import { api } from '../api';
import { useApp } from '../app-context';
import { DateText, FieldError, FormError, Loading, LoadMore, Money, Num, Section, StateBadge, useLoad, usePaged } from '../ui';

const PIPELINE = ['waiting_on_items', 'awaiting_approval', 'held', 'approved', 'released'] as const;

export function WaitsOn({ waitsOn }: { waitsOn: any[] }) {
  const { t, lang } = useApp();
  if (!waitsOn?.length) return null;
  return (
    <ul className="waits-on">
      {waitsOn.map((w, k) => (
        <li key={k} data-kind={w.kind}>
          {w.kind === 'declaration' && <>{t('waitsDeclaration')} {w.item.projectCode} · <Num value={w.item.code} /></>}
          {w.kind === 'verification' && <>{t('waitsVerification')} {w.item.projectCode} · <Num value={w.item.code} /></>}
          {w.kind === 'pbo_decision' && t('waitsPbo')}
          {w.kind === 'release' && t('waitsRelease')}
          {w.kind === 'committee_hold' && <>{t('waitsHold')}: {w.reason} (<DateText value={w.placedAt} />)</>}
          {lang === 'en' ? '' : ''}
        </li>
      ))}
    </ul>
  );
}

function DecisionForm({ tranche, onDone }: { tranche: any; onDone(): void }) {
  const { t, user } = useApp();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const decide = async (action: string) => {
    try {
      await api('POST', `/api/tranches/${tranche.id}/decision`, { action, ...(reason ? { reason } : {}) });
      onDone();
    } catch (err) {
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
        <button className="approve" data-testid={`approve-${tranche.number}`} onClick={() => decide('approve')}>{t('approve')}</button>
      )}
      {tranche.state !== 'held' && <button onClick={() => decide('hold')}>{t('hold')}</button>}
      <button className="danger" onClick={() => decide('reject')}>{t('reject')}</button>
      <FormError error={error} fields={['reason']} />
    </div>
  );
}

export function TrancheCard({ tranche, onChange }: { tranche: any; onChange(): void }) {
  const { t } = useApp();
  return (
    <article className="tranche" data-tranche={tranche.number} data-state={tranche.state}>
      <header>
        <strong>{t('tranche')} <Num value={tranche.number} /></strong> <StateBadge state={tranche.state} />{' '}
        <a href={`#/projects/${tranche.projectId}`}>{t('project')}</a> · <Money rials={tranche.amountRials} />
      </header>
      <WaitsOn waitsOn={tranche.waitsOn} />
      <DecisionForm tranche={tranche} onDone={onChange} />
    </article>
  );
}

/** One state of the pipeline, newest first, a page at a time. */
function PipelineColumn({ state, version, onChange }: { state: string; version: number; onChange(): void }) {
  const tranches = usePaged(`/api/tranches?state=${state}`, [version]);
  return (
    <div className="column" data-column={state}>
      <h3>
        <StateBadge state={state} /> <Num value={tranches.data?.length ?? 0} />
        {tranches.next ? '+' : ''}
      </h3>
      <Loading state={tranches}>
        {() => (
          <>
            {(tranches.data ?? []).map((x: any) => (
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
  const { t } = useApp();
  const [version, setVersion] = useState(0);
  const balances = useLoad(() => api('GET', '/api/ledger/balances'));
  const portfolios = useLoad(() => api('GET', '/api/public/portfolios').then(async (list: any[]) =>
    Promise.all(list.map((p) => api('GET', `/api/public/portfolios/${p.id}`)))));
  return (
    <div className="workspace" data-workspace="pbo">
      <Section title={t('pipeline')}>
        <div className="pipeline">
          {PIPELINE.map((state) => (
            <PipelineColumn key={state} state={state} version={version} onChange={() => setVersion((v) => v + 1)} />
          ))}
        </div>
      </Section>
      <Section title={t('balances')}>
        <Loading state={balances}>
          {() => (
            <table>
              <tbody>
                {balances.data.map((a: any) => (
                  <tr key={a.id}>
                    <td>{a.organization?.nameFa ?? a.organization?.nameEn ?? a.kind}</td>
                    <td><Money rials={a.balanceRials} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
      </Section>
      <Section title={t('budgetVsReleased')}>
        <Loading state={portfolios}>
          {() => (
            <table>
              <thead><tr><th>{t('portfolios')}</th><th>{t('budget')}</th><th>{t('releasedAmount')}</th></tr></thead>
              <tbody>
                {portfolios.data.map((p: any) => {
                  const sum = (k: string) => p.projects.reduce((s: bigint, x: any) => s + BigInt(x[k] ?? 0), 0n).toString();
                  return (
                    <tr key={p.id}><td>{p.nameFa} / {p.nameEn}</td><td><Money rials={sum('budgetRials')} /></td><td><Money rials={sum('releasedRials')} /></td></tr>
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
