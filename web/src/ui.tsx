import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { useApp } from './app-context';
import { digits, formatDate, formatMoney, formatPercent, parseDateInput } from './format';
import type { LabelKey, Lang } from './i18n';
import { LABELS } from './i18n';

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

/** Whether `key` is a label (a state, a kind, a category the API sends as a code). */
export const isLabel = (key: string): key is LabelKey => Object.prototype.hasOwnProperty.call(LABELS.fa, key);

/**
 * A code the API sends (a state, a kind, a category) in the reader's language: `prefix + code` when
 * it is a label, else the code itself, marked as data (exempt from the language check: a code the web
 * app does not know yet).
 */
export function Term({ code, prefix = '' }: { code: string | null | undefined; prefix?: string }) {
  const { t } = useApp();
  if (code === null || code === undefined) return <>—</>;
  const key = `${prefix}${code}`;
  return isLabel(key) ? <>{t(key)}</> : <span data-i18n-exempt="code">{code}</span>;
}

/** `term(t, code, prefix)` as text, for attributes and options. */
export function term(t: (key: LabelKey) => string, code: string | null | undefined, prefix = ''): string {
  if (code === null || code === undefined) return '—';
  const key = `${prefix}${code}`;
  return isLabel(key) ? t(key) : code;
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state}`}><Term code={state} /></span>;
}

/**
 * The reason the server gave for one field, next to that field. `exact`: only that field, not those
 * inside it (`releaseRule.bands` without `releaseRule.bands[1].fromPercent`, shown by its own row).
 */
export function FieldError({ error, field, exact = false }: { error: unknown; field: string; exact?: boolean }) {
  if (!(error instanceof ApiError)) return null;
  const reason = exact ? error.errors.find((e) => e.field === field)?.reason : error.field(field);
  // The server's reason for the field (its words, English): exempt from the language check.
  return reason ? <div className="field-error" role="alert" data-field={field} data-i18n-exempt="server">{reason}</div> : null;
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

/** What went wrong, in the reader's language, with what to do next. */
export function errorKey(error: unknown): LabelKey {
  if (!(error instanceof ApiError)) return error instanceof TypeError ? 'err_network' : 'err_other';
  if (error.status === 0 || error.code === 'network') return 'err_network';
  if (error.status === 429 || error.status === 503) return 'err_busy';
  if (error.status >= 500) return 'err_server';
  const known: Record<number, LabelKey> = { 400: 'err_400', 401: 'err_401', 403: 'err_403', 404: 'err_404', 409: 'err_409', 413: 'err_413', 415: 'err_415', 422: 'err_400' };
  return known[error.status] ?? 'err_other';
}

/**
 * A message for errors that belong to no single field: what happened and what to do next in the
 * reader's language; the server's own words (English) beside it in English, under "details" in Persian.
 */
export function FormError({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const { t, lang } = useApp();
  if (!error) return null;
  if (error instanceof ApiError && error.errors.length > 0 && error.errors.every((e) => fields.some((f) => e.field.startsWith(f)))) return null;
  const detail = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : undefined;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="form-error" role="alert" data-status={status} data-code={code}>
      {t(errorKey(error))}
      {detail && (lang === 'en' ? (
        <span className="error-detail" data-i18n-exempt="server"> ({detail})</span>
      ) : (
        <details className="error-detail">
          <summary>{t('err_detail')}</summary>
          <span lang="en" dir="ltr" data-i18n-exempt="server">{detail}</span>
        </details>
      ))}
    </div>
  );
}

/** Loads data, re-loads on demand, shows progress and failure. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
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
 * `reload()`. `fetchPage(after)` asks for the page after the cursor `after` (undefined: the first).
 * Only the answers to the latest load (and its "load more") are kept: when `deps` change (a filter the
 * reader picked) a slow answer to the earlier choice never replaces the newer one.
 */
export function usePaged<T>(fetchPage: (after: string | undefined) => Promise<Page<T>>, deps: unknown[] = []) {
  const [pages, setPages] = useState<Page<T> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const reload = useCallback(() => {
    const ticket = ++latest.current;
    setLoading(true);
    fetchPage(undefined)
      .then(
        (page) => ticket === latest.current && (setPages(page), setError(null)),
        (e: unknown) => ticket === latest.current && setError(e),
      )
      .finally(() => ticket === latest.current && setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(reload, [reload]);
  const more = () => {
    if (!pages?.next || loading) return;
    const ticket = latest.current;
    setLoading(true);
    fetchPage(pages.next)
      .then(
        (page) => ticket === latest.current && setPages({ items: [...pages.items, ...page.items], next: page.next }),
        (e: unknown) => ticket === latest.current && setError(e),
      )
      .finally(() => ticket === latest.current && setLoading(false));
  };
  return { data: pages ? pages.items : null, next: pages?.next ?? null, error, loading, reload, more };
}

/**
 * A list whose first page came with something else (the committee queue): the pages after it are
 * fetched by `fetchPage(after)`; a new first page starts over.
 */
export function useMore<T>(first: Page<T> | null, fetchPage: (after: string) => Promise<Page<T>>) {
  const [extra, setExtra] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setExtra(null), [first]);
  const next = extra ? extra.next : (first?.next ?? null);
  const more = () => {
    if (!next || loading) return;
    setLoading(true);
    fetchPage(next)
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

/**
 * Data once loaded: a busy note while it loads, the error (in words, with what to do) if it failed,
 * `empty` when it came as an empty list (if given), else `children(data)`.
 */
export function Loading<T>({ state, children, empty }: { state: { loading: boolean; error: unknown; data: T | null }; children: (data: T) => ReactNode; empty?: ReactNode }) {
  const { t } = useApp();
  if (state.error) return <FormError error={state.error} />;
  if (state.data === null) return <div className="loading" role="status" aria-busy="true">{t('loadingText')}</div>;
  if (empty !== undefined && Array.isArray(state.data) && state.data.length === 0) return <p className="muted empty" role="status">{empty}</p>;
  return <>{children(state.data)}</>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
