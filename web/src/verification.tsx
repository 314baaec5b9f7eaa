/**
 * Shared pieces of "verification you can trust" (issue 13): the refusals the API gives by code, in the
 * reader's language; the sample summaries; the discrepancy-rate tables (the committee's and the portal's).
 */
import { useState } from 'react';
import { ApiError, blobUrl, type Schema } from './api';
import { useApp } from './app-context';
import { formatRate } from './format';
import type { LabelKey } from './i18n';
import { DateText, FormError, Num } from './ui';

/** Refusals with a stable code that the reader is told in words (the server's message is kept as a title). */
const REFUSALS = [
  'same_organization',
  'conflict_of_interest',
  'not_selected',
  'already_checked',
  'original_decider',
  'appeal_decided',
  'not_appealable',
  'already_appealed',
  'appeal_window_closed',
  'not_item_owner',
  'sample_period_overlaps',
] as const;

export const refusalKey = (code: string | null | undefined): LabelKey | null =>
  code && ([...REFUSALS, 'may_not_check', 'may_not_decide'] as readonly string[]).includes(code) ? (`why_${code}` as LabelKey) : null;

/**
 * An error of a form: a known refusal (403/409) in words, with its status and code as attributes; any
 * other (400 on a field shown beside it, 5xx, the network) as the existing forms show it.
 */
export function Refusal({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const { t } = useApp();
  if (!(error instanceof ApiError)) return <FormError error={error} fields={fields} />;
  const key = refusalKey(error.code) ?? (error.status === 403 ? 'why_forbidden' : null);
  if (!key) {
    return (
      <div data-status={error.status} data-code={error.code}>
        <FormError error={error} fields={fields} />
      </div>
    );
  }
  return (
    <div className="form-error" role="alert" data-status={error.status} data-code={error.code} title={error.message}>
      {t(key)}
    </div>
  );
}

/** Why a row offers no form (mayCheck / mayDecide false). */
export function WhyNot({ code }: { code: string }) {
  const { t } = useApp();
  return (
    <p className="muted why-not" data-why={code} role="note">
      {t(refusalKey(code) ?? 'why_forbidden')}
    </p>
  );
}

/** An evidence file by id, opened (fetched with the token) when clicked. */
export function EvidenceLink({ id, label }: { id: string; label?: string }) {
  const { t } = useApp();
  const [error, setError] = useState<unknown>(null);
  return (
    <span className="evidence-link">
      <button
        type="button"
        className="link"
        data-evidence={id}
        onClick={() => blobUrl(`/api/evidence/${id}/content`).then((u) => window.open(u, '_blank'), setError)}
      >
        {label ?? `${t('evidence')} ${id.slice(0, 8)}`}
      </button>
      <FormError error={error} />
    </span>
  );
}

/** A verification sample's summary (its OpenAPI schema). */
export type SampleSummary = Schema<'SampleSummaryView'>;

/** Samples, newest first; `extra` adds a last cell to each row (the portal's draws). */
export function SamplesTable({ samples, extra }: { samples: SampleSummary[]; extra?: (s: SampleSummary) => React.ReactNode }) {
  const { t } = useApp();
  if (samples.length === 0) return <p>{t('nothing')}</p>;
  return (
    <div className="scroll">
      <table className="samples">
        <thead>
          <tr>
            <th scope="col">{t('period')}</th>
            <th scope="col">{t('seed')}</th>
            <th scope="col">{t('baseRate')}</th>
            <th scope="col">{t('population')}</th>
            <th scope="col">{t('selected')}</th>
            <th scope="col">{t('checked')}</th>
            <th scope="col">{t('discrepancies')}</th>
            <th scope="col">{t('openedAt')}</th>
            {extra && <th scope="col"><span className="visually-hidden">{t('draws')}</span></th>}
          </tr>
        </thead>
        <tbody>
          {samples.map((s) => (
            <tr key={s.id} data-sample={s.id} data-seed={s.seed}>
              <td><DateText value={s.periodFrom} time /> – <DateText value={s.periodTo} time /></td>
              <td><code dir="ltr">{s.seed}</code></td>
              <td><span dir="ltr"><Num value={s.baseRate} /></span></td>
              <td data-count="population"><Num value={s.population} /></td>
              <td data-count="selected"><Num value={s.selected} /></td>
              <td data-count="checked"><Num value={s.checked} /></td>
              <td data-count="discrepancies"><Num value={s.discrepancies} /></td>
              <td><DateText value={s.openedAt} time /></td>
              {extra && <td>{extra(s)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Discrepancy rates per agency and per member (their OpenAPI schema). */
export type DiscrepancyRates = Schema<'DiscrepancyRatesView'>;

/** Field-check discrepancy rates per agency and per committee member (members only where published). */
export function RatesTables({ rates }: { rates: Partial<DiscrepancyRates> }) {
  const { t, lang } = useApp();
  const byAgency = rates.byAgency ?? [];
  const byMember = rates.byMember ?? [];
  return (
    <div className="rates">
      {rates.since && <p className="muted">{t('since')} <DateText value={rates.since} /></p>}
      <h3 id="rates-by-agency">{t('byAgencyRates')}</h3>
      {byAgency.length === 0 ? <p>{t('nothing')}</p> : (
        <table className="rates-by-agency" aria-labelledby="rates-by-agency">
          <thead><tr><th scope="col">{t('agency')}</th><th scope="col">{t('checks')}</th><th scope="col">{t('discrepancies')}</th><th scope="col">{t('rate')}</th></tr></thead>
          <tbody>
            {byAgency.map((a) => (
              <tr key={a.organizationId} data-agency={a.code} data-rate={a.rate ?? ''}>
                <th scope="row">{lang === 'fa' ? a.nameFa : a.nameEn}</th>
                <td data-count="checks"><Num value={a.checks} /></td>
                <td data-count="discrepancies"><Num value={a.discrepancies} /></td>
                <td>{formatRate(a.rate, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rates.byMember && (
        <>
          <h3 id="rates-by-member">{t('byMember')}</h3>
          {byMember.length === 0 ? <p>{t('nothing')}</p> : (
            <table className="rates-by-member" aria-labelledby="rates-by-member">
              <thead><tr><th scope="col">{t('member')}</th><th scope="col">{t('organization')}</th><th scope="col">{t('checks')}</th><th scope="col">{t('discrepancies')}</th><th scope="col">{t('rate')}</th></tr></thead>
              <tbody>
                {byMember.map((m) => (
                  <tr key={m.userId} data-member={m.userId} data-rate={m.rate ?? ''}>
                    <th scope="row">{m.displayName}</th>
                    <td>{m.organizationCode}</td>
                    <td data-count="checks"><Num value={m.checks} /></td>
                    <td data-count="discrepancies"><Num value={m.discrepancies} /></td>
                    <td>{formatRate(m.rate, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
