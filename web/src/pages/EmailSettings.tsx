import { useState } from 'react';
import { ApiError, call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import type { LabelKey } from '../i18n';
import { FieldError, FormError, Loading, Section, useLoad } from '../ui';

type Preference = Schema<'EmailSettingsView'>['preference'];
export const PREFERENCES: Preference[] = ['immediate', 'monthly', 'none'];
export const preferenceLabel = (p: Preference) => `mail_pref_${p}` as LabelKey;

/** The signed-in user's e-mail: the address (empty removes it) and when to mail (at once, a monthly Jalali digest, never). */
export function EmailSettingsPage() {
  const { t } = useApp();
  const settings = useLoad(() => call(client.GET('/api/me/email-settings')));
  return (
    <div className="workspace" data-workspace="email-settings">
      <Section title={t('mail_settingsTitle')}>
        <p>{t('mail_settingsLead')}</p>
        <Loading state={settings}>{(s) => <EmailSettingsForm initial={s} />}</Loading>
      </Section>
    </div>
  );
}

function EmailSettingsForm({ initial }: { initial: Schema<'EmailSettingsView'> }) {
  const { t } = useApp();
  const [email, setEmail] = useState(initial.email ?? '');
  const [preference, setPreference] = useState<Preference>(initial.preference);
  const [saved, setSaved] = useState<Schema<'EmailSettingsView'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const answer = await call(client.PUT('/api/me/email-settings', { body: { email: email.trim() ? email.trim() : null, preference } }));
      setEmail(answer.email ?? '');
      setPreference(answer.preference);
      setSaved(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="email-settings" onSubmit={submit} noValidate data-saved-preference={saved?.preference}>
      <label htmlFor="mail-address">
        {t('mail_address')}
        <input
          id="mail-address"
          name="email"
          type="text"
          inputMode="email"
          autoComplete="email"
          dir="ltr"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setSaved(null);
          }}
          aria-describedby="mail-address-hint"
          aria-invalid={error instanceof ApiError && error.field('email') ? true : undefined}
          maxLength={254}
        />
      </label>
      <div id="mail-address-hint" className="muted">{t('mail_addressHint')}</div>
      <FieldError error={error} field="email" />
      <fieldset className="email-preference">
        <legend>{t('mail_preference')}</legend>
        {PREFERENCES.map((p) => (
          <label key={p} className="check">
            <input type="radio" name="preference" value={p} checked={preference === p} onChange={() => {
              setPreference(p);
              setSaved(null);
            }} />
            {t(preferenceLabel(p))}
          </label>
        ))}
        <FieldError error={error} field="preference" />
      </fieldset>
      {!email.trim() && preference !== 'none' && <p className="muted">{t('mail_noAddressWarning')}</p>}
      <button type="submit" disabled={busy}>{t('mail_save')}</button>
      {saved && <p className="sample-opened" role="status">{t('mail_saved')}</p>}
      <FormError error={error} fields={['email', 'preference']} />
    </form>
  );
}
