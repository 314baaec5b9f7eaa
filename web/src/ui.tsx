import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import { useApp } from './app-context';
import { digits, formatDate, formatMoney, formatPercent, parseDateInput } from './format';
import type { Lang } from './i18n';

export function Money({ rials }: { rials: string | null | undefined }) {
  const { lang, toman } = useApp();
  return <span className="money">{formatMoney(rials, lang, toman)}</span>;
}

export function DateText({ value, time = false }: { value: string | Date | null | undefined; time?: boolean }) {
  const { lang } = useApp();
  return <time dateTime={value ? new Date(value).toISOString() : undefined}>{formatDate(value, lang, time)}</time>;
}

export function Num({ value }: { value: number | string }) {
  const { lang } = useApp();
  return <>{digits(value, lang)}</>;
}

export function Percent({ value }: { value: number | null | undefined }) {
  const { lang } = useApp();
  return <>{formatPercent(value, lang)}</>;
}

export function Bar({ value, kind }: { value: number; kind: 'verified' | 'declared' | 'planned' }) {
  return (
    <span className={`bar bar-${kind}`} role="progressbar" aria-valuenow={value} aria-valuemin={0} aria-valuemax={100}>
      <span style={{ inlineSize: `${Math.max(0, Math.min(100, value))}%` }} />
    </span>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useApp();
  return <span className={`badge state-${state}`}>{t(state as any)}</span>;
}

/**
 * The reason the server gave for one field, next to that field. `exact`: only that field, not those
 * inside it (`releaseRule.bands` without `releaseRule.bands[1].fromPercent`, shown by its own row).
 */
export function FieldError({ error, field, exact = false }: { error: unknown; field: string; exact?: boolean }) {
  if (!(error instanceof ApiError)) return null;
  const reason = exact ? error.errors.find((e) => e.field === field)?.reason : error.field(field);
  return reason ? <div className="field-error" role="alert" data-field={field}>{reason}</div> : null;
}

/**
 * A date typed in the reader's calendar (Jalali in Persian, YYYY-MM-DD in English; Tehran midnight) as
 * ISO 8601; a date that does not parse throws an ApiError naming `field`, shown like the server's.
 */
export function typedDate(text: string, lang: Lang, field: string, reason: string): string {
  try {
    return parseDateInput(text.trim(), lang).toISOString();
  } catch {
    throw new ApiError(400, 'invalid_input', `${field}: ${reason}`, [{ field, reason }]);
  }
}

/** A message for errors that belong to no single field. */
export function FormError({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.errors.length > 0 && error.errors.every((e) => fields.some((f) => e.field.startsWith(f)))) return null;
  return <div className="form-error" role="alert">{error instanceof Error ? error.message : String(error)}</div>;
}

/** Loads data, re-loads on demand, shows progress and failure. */
export function useLoad<T = any>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(() => {
    setLoading(true);
    load()
      .then((d) => {
        setData(d);
        setError(null);
      }, setError)
      .finally(() => setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}

/** One page of a paged list of the API: `{ items, next }` (pass `next` back as `after`). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * A paged list: the first page on load, the next one appended by `more()`, all of it again by
 * `reload()`. `path` may carry its own query; `after` is added to it.
 */
export function usePaged<T = any>(path: string, deps: unknown[] = []) {
  const [pages, setPages] = useState<{ items: T[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const fetchPage = (after: string | null) =>
    api<Page<T>>('GET', after ? `${path}${path.includes('?') ? '&' : '?'}after=${encodeURIComponent(after)}` : path);
  const reload = useCallback(() => {
    setLoading(true);
    fetchPage(null)
      .then((page) => {
        setPages(page);
        setError(null);
      }, setError)
      .finally(() => setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, ...deps]);
  useEffect(reload, [reload]);
  const more = () => {
    if (!pages?.next || loading) return;
    setLoading(true);
    fetchPage(pages.next)
      .then((page) => setPages({ items: [...pages.items, ...page.items], next: page.next }), setError)
      .finally(() => setLoading(false));
  };
  return { data: pages ? pages.items : null, next: pages?.next ?? null, error, loading, reload, more };
}

/**
 * A list whose first page came with something else (the committee queue): the pages after it are
 * fetched from `path` by `more()`; a new first page starts over.
 */
export function useMore<T = any>(first: Page<T> | null, path: string) {
  const [extra, setExtra] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setExtra(null), [first]);
  const next = extra ? extra.next : (first?.next ?? null);
  const more = () => {
    if (!next || loading) return;
    setLoading(true);
    api<Page<T>>('GET', `${path}${path.includes('?') ? '&' : '?'}after=${encodeURIComponent(next)}`)
      .then((page) => setExtra({ items: [...(extra?.items ?? []), ...page.items], next: page.next }), setError)
      .finally(() => setLoading(false));
  };
  return { items: [...(first?.items ?? []), ...(extra?.items ?? [])], next, loading, error, more };
}

/** "Load more" under a paged list, while there is more. */
export function LoadMore({ list }: { list: { next: string | null; loading: boolean; more(): void } }) {
  const { t } = useApp();
  if (!list.next) return null;
  return (
    <button type="button" className="load-more" disabled={list.loading} onClick={list.more}>
      {t('loadMore')}
    </button>
  );
}

export function Loading({ state, children }: { state: { loading: boolean; error: unknown; data: unknown }; children: () => ReactNode }) {
  if (state.error) return <FormError error={state.error} />;
  if (state.data === null) return <div className="loading" aria-busy="true">…</div>;
  return <>{children()}</>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
