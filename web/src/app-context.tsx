import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { session, type SessionUser } from './api';
import { LABELS, type LabelKey, type Lang } from './i18n';

interface AppState {
  lang: Lang;
  setLang(lang: Lang): void;
  toman: boolean;
  setToman(on: boolean): void;
  user: SessionUser | null;
  setUser(user: SessionUser | null): void;
  t(key: LabelKey): string;
}

const Context = createContext<AppState | null>(null);

export function AppProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('pelekan.lang') as Lang) ?? 'fa');
  const [toman, setToman] = useState(false);
  const [user, setUser] = useState<SessionUser | null>(session.user);
  useEffect(() => {
    localStorage.setItem('pelekan.lang', lang);
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
    document.title = LABELS[lang].appName;
  }, [lang]);
  return (
    <Context.Provider value={{ lang, setLang, toman, setToman, user, setUser, t: (k) => LABELS[lang][k] }}>
      {children}
    </Context.Provider>
  );
}

export function useApp(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error('useApp outside AppProvider');
  return state;
}
