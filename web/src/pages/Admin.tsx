import { useState } from 'react';
import { call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import { DateText, FieldError, Loading, Num, Section, useLoad } from '../ui';
import { OpenSampleForm } from './AdminSample';
import { Samples } from './committee/Samples';

export function AdminWorkspace() {
  const { t, lang } = useApp();
  const portfolios = useLoad(() => call(client.GET('/api/portfolios')));
  const sweeps = useLoad(() => call(client.GET('/api/escalations/sweeps')));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const toggle = async (p: Schema<'PortfolioSummaryView'>) => {
    try {
      await call(client.POST('/api/portfolios/{id}/monitoring', { params: { path: { id: p.id } }, body: { action: p.monitoringPausedAt ? 'resume' : 'pause', reason } }));
      portfolios.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="workspace" data-workspace="admin">
      <p><a href="#/admin/webhooks">{t('webhooksLink')}</a></p>
      <p><a href="#/admin/email" data-testid="email-outbox-link">{t('mail_outboxLink')}</a></p>
      <Section title={t('portfolios')}>
        <input name="reason" aria-label={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reason')} />
        <FieldError error={error} field="reason" />
        <Loading state={portfolios} empty={t('emptyList')}>
          {(list) => (
            <ul>{list.map((p) => (
              <li key={p.id}>{lang === 'fa' ? p.nameFa : p.nameEn} {p.monitoringPausedAt && <>(<DateText value={p.monitoringPausedAt} />)</>}{' '}
                <button type="button" onClick={() => toggle(p)}>{p.monitoringPausedAt ? t('resume') : t('pause')}</button></li>
            ))}</ul>
          )}
        </Loading>
      </Section>
      <Section title={t('sweeps')}>
        <Loading state={sweeps}>
          {(s) => s.runs.length === 0 ? <p className="muted" role="status">{t('nothing')}</p> : (
            <table><tbody>{s.runs.map((r) => (
              <tr key={r.id}><td><DateText value={r.at} time /></td><td><Num value={r.examined} /></td><td><Num value={r.opened} /></td><td><Num value={r.climbed} /></td><td><Num value={r.resolved} /></td></tr>
            ))}</tbody></table>
          )}
        </Loading>
      </Section>
      <OpenSampleForm onOpened={() => setVersion((v) => v + 1)} />
      <Samples key={version} />
    </div>
  );
}
