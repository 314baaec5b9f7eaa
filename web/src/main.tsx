import 'vazirmatn/Vazirmatn-font-face.css';
import './styles.css';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { call, client, session } from './api';
import { AppProvider, useApp } from './app-context';
import { AdminWorkspace } from './pages/Admin';
import { AdminWebhooks } from './pages/AdminWebhooks';
import { AdminEmailPage } from './pages/AdminEmail';
import { AgencyWorkspace } from './pages/Agency';
import { CommitteeWorkspace } from './pages/Committee';
import { EmailSettingsPage } from './pages/EmailSettings';
import { HOME, Login } from './pages/Login';
import { PboWorkspace } from './pages/Pbo';
import { PortalHome, PortalPortfolio, PortalProject } from './pages/Portal';
import { ProjectPage } from './pages/Project';
import { Num } from './ui';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Header() {
  const { t, lang, setLang, toman, setToman, user, setUser } = useApp();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (user) call(client.GET('/api/inbox', { params: { query: { unread: true } } })).then((r) => setUnread(r.unread), () => undefined);
  }, [user]);
  return (
    <header className="top">
      <a className="brand" href={user ? HOME[user.role] : '#/portal'}>{t('appName')}</a>
      <nav aria-label={t('mainNav')}>
        <a href="#/portal">{t('portal')}</a>
        {user && <a href={HOME[user.role]} translate="no" data-i18n-exempt="user">{user.displayName}</a>}
        {user && <a href="#/settings/email" data-testid="email-settings-link">{t('mail_settingsLink')}</a>}
        {user && <span className="inbox" title={t('inbox')}><span aria-hidden="true">✉ </span><Num value={unread} /><span className="visually-hidden"> {t('unreadMessages')}</span></span>}
      </nav>
      <label className="toman"><input type="checkbox" checked={toman} onChange={(e) => setToman(e.target.checked)} /> {t('showToman')}</label>
      {/* The other language's name, in that language (a proper name: exempt from the language check). */}
      <button type="button" className="lang" data-testid="lang" lang={lang === 'fa' ? 'en' : 'fa'} data-i18n-exempt="language" onClick={() => setLang(lang === 'fa' ? 'en' : 'fa')}>{t('switchLang')}</button>
      {user ? (
        <button
          type="button"
          onClick={() => {
            // Ends the token on the server too; the page signs out whatever the answer.
            void call(client.POST('/api/auth/logout')).catch(() => undefined).finally(() => {
              session.clear();
              setUser(null);
              location.hash = '#/login';
            });
          }}
        >
          {t('logout')}
        </button>
      ) : (
        <a href="#/login">{t('login')}</a>
      )}
    </header>
  );
}

function Routes() {
  const hash = useHash();
  const { user } = useApp();
  const [, path, id] = /^#\/([a-z/-]+?)(?:\/([0-9a-f-]{36}))?$/.exec(hash) ?? [];
  if (path === 'portal') return <PortalHome />;
  if (path === 'portal/portfolios' && id) return <PortalPortfolio id={id} />;
  if (path === 'portal/projects' && id) return <PortalProject id={id} />;
  if (!user || path === 'login') return <Login />;
  if (path === 'projects' && id) return <ProjectPage id={id} />;
  if (path === 'settings/email') return <EmailSettingsPage />;
  if (path === 'admin/email' && user.role === 'admin') return <AdminEmailPage />;
  const workspace = path ?? user.role;
  if (workspace === 'pbo' && user.role === 'pbo') return <PboWorkspace />;
  if (workspace === 'agency' && user.role === 'agency') return <AgencyWorkspace />;
  if (workspace === 'committee' && user.role === 'committee') return <CommitteeWorkspace />;
  if (workspace === 'admin' && user.role === 'admin') return <AdminWorkspace />;
  if (workspace === 'admin/webhooks' && user.role === 'admin') return <AdminWebhooks />;
  location.hash = HOME[user.role];
  return null;
}

function App() {
  return (
    <AppProvider>
      <Header />
      <main>
        <Routes />
      </main>
    </AppProvider>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
