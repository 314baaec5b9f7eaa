import { Fragment, useState } from 'react';
import { call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../confirm';
import { digits } from '../format';
import type { LabelKey } from '../i18n';
import { DateText, FieldError, FormError, Loading, LoadMore, Num, Section, useLoad, usePaged } from '../ui';
import { PREFERENCES, preferenceLabel } from './EmailSettings';

type Mail = Schema<'EmailOutboxView'>;
type Status = Mail['status'];
const STATUSES: Status[] = ['pending', 'delivered', 'failed'];
const statusLabel = (s: Status) => `mail_status_${s}` as LabelKey;

/** The administrator's e-mail outbox: paged, filtered by status; each message's attempts; a failed one sent again. */
export function AdminEmailPage() {
  const { t } = useApp();
  const [status, setStatus] = useState<Status | ''>('');
  const [redeliver, setRedeliver] = useState<Mail | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = usePaged(
    (after) => call(client.GET('/api/admin/email-outbox', { params: { query: { ...(status ? { status } : {}), ...(after ? { after } : {}) } } })),
    [status],
  );
  const confirm = async () => {
    if (!redeliver) return;
    setBusy(true);
    setError(null);
    try {
      await call(client.POST('/api/admin/email-outbox/{id}/redeliver', { params: { path: { id: redeliver.id } } }));
      setDone(redeliver.id);
      setRedeliver(null);
      list.reload();
    } catch (err) {
      setError(err);
      setRedeliver(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="workspace" data-workspace="admin-email">
      <p><a href="#/admin">{t('admin')}</a></p>
      <Section title={t('mail_outboxTitle')} id="email-outbox">
        <p className="muted">{t('mail_outboxLead')}</p>
        <label htmlFor="outbox-status">
          {t('mail_statusFilter')}{' '}
          <select id="outbox-status" name="status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">{t('mail_all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(statusLabel(s))}</option>)}
          </select>
        </label>
        {done && <p className="sample-opened" role="status" data-redelivered={done}>{t('mail_redelivered')}</p>}
        <FormError error={error} />
        <Loading state={list} empty={t('emptyList')}>
          {(items) => (
            <table className="email-outbox">
              <thead>
                <tr>
                  <th scope="col">{t('mail_to')}</th>
                  <th scope="col">{t('mail_subject')}</th>
                  <th scope="col">{t('mail_status')}</th>
                  <th scope="col">{t('mail_attemptsCount')}</th>
                  <th scope="col">{t('mail_created')}</th>
                  <th scope="col">{t('mail_actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => <OutboxRow key={m.id} mail={m} onRedeliver={() => { setDone(null); setRedeliver(m); }} />)}
              </tbody>
            </table>
          )}
        </Loading>
        <LoadMore list={list} />
      </Section>
      <UserEmailForm />
      {redeliver && (
        <ConfirmDialog title={t('mail_confirmRedeliverTitle')} confirmLabel={t('mail_confirmRedeliver')} busy={busy} onCancel={() => setRedeliver(null)} onConfirm={() => void confirm()}>
          <p>{t('mail_confirmRedeliverLead')}</p>
          <dl className="confirm-facts">
            <dt>{t('mail_to')}</dt>
            <dd data-fact="to"><bdi data-i18n-exempt="data" dir="ltr">{redeliver.toAddress}</bdi></dd>
            <dt>{t('mail_subject')}</dt>
            <dd data-fact="subject"><Subject mail={redeliver} /></dd>
            <dt>{t('mail_attemptsCount')}</dt>
            <dd><Num value={redeliver.attempts} /></dd>
          </dl>
        </ConfirmDialog>
      )}
    </div>
  );
}

function Subject({ mail }: { mail: Mail }) {
  const { t, lang } = useApp();
  if (mail.kind === 'digest') return <>{t('mail_digestOf')} <bdi>{digits(mail.digestMonth ?? '', lang)}</bdi></>;
  const subject = lang === 'fa' ? mail.subjectFa : mail.subjectEn;
  // The notification's title, as the server wrote it (data).
  return <span data-i18n-exempt="data">{subject ?? '—'}</span>;
}

function OutboxRow({ mail, onRedeliver }: { mail: Mail; onRedeliver(): void }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <tr data-mail={mail.id} data-status={mail.status}>
        <td>
          <bdi dir="ltr" data-i18n-exempt="data">{mail.toAddress}</bdi>
          <div className="muted"><bdi translate="no">{mail.username}</bdi></div>
        </td>
        <td><Subject mail={mail} /></td>
        <td>
          <span className={`badge state-${mail.status}`}>{t(statusLabel(mail.status))}</span>
          {mail.status === 'pending' && mail.nextAttemptAt && <div className="muted">{t('mail_nextAttempt')}: <DateText value={mail.nextAttemptAt} time /></div>}
          {mail.status === 'delivered' && <div className="muted">{t('mail_deliveredAt')}: <DateText value={mail.deliveredAt} time /></div>}
          {mail.lastError && mail.status !== 'delivered' && (
            <div className="muted">{t('mail_lastError')}: <span lang="en" dir="ltr" data-i18n-exempt="server">{mail.lastError}</span></div>
          )}
        </td>
        <td><Num value={mail.attempts} /></td>
        <td><DateText value={mail.createdAt} time /></td>
        <td>
          <button type="button" className="link" aria-expanded={open} aria-controls={`attempts-${mail.id}`} onClick={() => setOpen(!open)}>
            {t('mail_showAttempts')}
          </button>
          {mail.status === 'failed' && <button type="button" className="redeliver" onClick={onRedeliver}>{t('mail_redeliver')}</button>}
        </td>
      </tr>
      {open && (
        <tr id={`attempts-${mail.id}`} data-attempts-of={mail.id}>
          <td colSpan={6}><Attempts id={mail.id} /></td>
        </tr>
      )}
    </Fragment>
  );
}

function Attempts({ id }: { id: string }) {
  const { t } = useApp();
  const attempts = useLoad(() => call(client.GET('/api/admin/email-outbox/{id}/attempts', { params: { path: { id } } })), [id]);
  return (
    <Loading state={attempts} empty={t('mail_noAttempts')}>
      {(list) => (
        <table className="email-attempts">
          <caption className="visually-hidden">{t('mail_attemptsOf')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mail_attemptNo')}</th>
              <th scope="col">{t('mail_at')}</th>
              <th scope="col">{t('mail_outcome')}</th>
              <th scope="col">{t('mail_response')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.attempt} data-attempt={a.attempt} data-outcome={a.outcome}>
                <td><Num value={a.attempt} /></td>
                <td><DateText value={a.at} time /></td>
                <td>{t(`mail_outcome_${a.outcome}` as LabelKey)}</td>
                <td><span lang="en" dir="ltr" data-i18n-exempt="server">{a.response}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loading>
  );
}

/** An administrator sets anyone's address and/or preference (there is no other users screen): only what is filled in changes. */
function UserEmailForm() {
  const { t } = useApp();
  const users = useLoad(() => call(client.GET('/api/users')));
  const [userId, setUserId] = useState('');
  const [email, setEmail] = useState('');
  const [remove, setRemove] = useState(false);
  const [preference, setPreference] = useState<(typeof PREFERENCES)[number] | ''>('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<Schema<'EmailSettingsView'> | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      const body: Schema<'EmailSettingsDto'> = {};
      if (remove) body.email = null;
      else if (email.trim()) body.email = email.trim();
      if (preference) body.preference = preference;
      setSaved(await call(client.PUT('/api/admin/users/{id}/email-settings', { params: { path: { id: userId } }, body })));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={t('mail_userSettingsTitle')} id="user-email">
      <Loading state={users}>
        {(list) => (
          <form className="decide user-email" onSubmit={submit} noValidate>
            <label htmlFor="ue-user">
              {t('mail_user')}
              <select id="ue-user" name="user" data-i18n-exempt="user" value={userId} onChange={(e) => setUserId(e.target.value)} required>
                <option value="">{t('mail_chooseUser')}</option>
                {list.map((u) => <option key={u.id} value={u.id}>{u.username}</option>)}
              </select>
              <FieldError error={error} field="id" />
            </label>
            <label htmlFor="ue-email">
              {t('mail_addressUnchanged')}
              <input id="ue-email" name="email" type="text" inputMode="email" dir="ltr" value={email} disabled={remove} onChange={(e) => setEmail(e.target.value)} maxLength={254} />
              <FieldError error={error} field="email" />
            </label>
            <label className="check">
              <input type="checkbox" name="remove" checked={remove} onChange={(e) => setRemove(e.target.checked)} /> {t('mail_removeAddress')}
            </label>
            <label htmlFor="ue-preference">
              {t('mail_preference')}
              <select id="ue-preference" name="preference" value={preference} onChange={(e) => setPreference(e.target.value as typeof preference)}>
                <option value="">{t('mail_unchanged')}</option>
                {PREFERENCES.map((p) => <option key={p} value={p}>{t(preferenceLabel(p))}</option>)}
              </select>
              <FieldError error={error} field="preference" />
            </label>
            <button type="submit" disabled={!userId}>{t('mail_save')}</button>
            {saved && (
              <p className="sample-opened" role="status">
                {t('mail_saved')} <bdi dir="ltr" data-i18n-exempt="data">{saved.email ?? '—'}</bdi> · {t(preferenceLabel(saved.preference))}
              </p>
            )}
            <FormError error={error} fields={['email', 'preference', 'id']} />
          </form>
        )}
      </Loading>
    </Section>
  );
}
