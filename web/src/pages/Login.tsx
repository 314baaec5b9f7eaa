import { useState } from 'react';
import { call, client, session } from '../api';
import { useApp } from '../app-context';
import { FieldError, FormError } from '../ui';

export const HOME: Record<string, string> = { pbo: '#/pbo', agency: '#/agency', committee: '#/committee', admin: '#/admin' };

export function Login() {
  const { t, setUser } = useApp();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const answer = await call(client.POST('/api/auth/login', { body: { username, password } }));
      session.set(answer.accessToken, answer.user);
      setUser(answer.user);
      location.hash = HOME[answer.user.role];
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card login" onSubmit={submit}>
      <h1>{t('login')}</h1>
      <label>
        {t('username')}
        <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" dir="ltr" />
        <FieldError error={error} field="username" />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" dir="ltr" />
        <FieldError error={error} field="password" />
      </label>
      <FormError error={error} fields={['username', 'password']} />
      <button type="submit" disabled={busy}>{t('login')}</button>
      <p><a href="#/portal">{t('portal')}</a></p>
    </form>
  );
}
