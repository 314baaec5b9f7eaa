import { useState } from 'react';
import { toAsciiDigits } from '@pelekan/core';
import { call, client, type Schema } from '../../api';
import { useApp } from '../../app-context';
import { digits, formatHours } from '../../format';
import { LABELS, type LabelKey } from '../../i18n';
import { DateText, Loading, Num, Section, useLoad } from '../../ui';

/** One line of timings (a month, an agency, a member). */
type Timing = Pick<Schema<'StageMonthStatsView'>, 'count' | 'medianHours' | 'p90Hours'>;
type StageTimesView = Schema<'StageTimesView'>;

/** A stage's or owner's name in words where the app has one (stage_<name>, owner_<name>), else as the API wrote it. */
function useName() {
  const { t } = useApp();
  return (prefix: string, name: string | undefined) => {
    if (!name) return '—';
    const key = `${prefix}${name}`;
    return key in LABELS.en ? t(key as LabelKey) : name;
  };
}

function Hours({ value }: { value: number | null | undefined }) {
  const { lang } = useApp();
  return <span className="hours">{formatHours(value, lang)}</span>;
}

function TimingRows<R extends Timing>({ rows, label }: { rows: R[]; label: (r: R) => React.ReactNode }) {
  return (
    <>
      {rows.map((r, k) => (
        <tr key={k}>
          <th scope="row">{label(r)}</th>
          <td data-count="count"><Num value={r.count ?? 0} /></td>
          <td><Hours value={r.medianHours} /></td>
          <td><Hours value={r.p90Hours} /></td>
        </tr>
      ))}
    </>
  );
}

/** Who a by-agency or by-member line is about, from whatever names the API gives. */
const whoOf = (r: Schema<'StageAgencyStatsView'> | Schema<'StageMemberStatsView'>, lang: 'fa' | 'en') =>
  'displayName' in r ? r.displayName : (lang === 'fa' ? r.nameFa : r.nameEn) || r.code;

/** How long each stage takes (median and 90th percentile, per Jalali month, agency and member), and what ran over its limit. */
export function StageTimes() {
  const { t, lang } = useApp();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [query, setQuery] = useState<{ from?: string; to?: string }>({});
  const times = useLoad(() => call(client.GET('/api/committee/stage-times', { params: { query } })), [query.from, query.to]);
  const name = useName();
  const show = (e: React.FormEvent) => {
    e.preventDefault();
    const ascii = (s: string) => toAsciiDigits(s.trim()).replace('/', '-');
    setQuery({ ...(from.trim() ? { from: ascii(from) } : {}), ...(to.trim() ? { to: ascii(to) } : {}) });
  };
  const limitOf = (stage: string) => times.data?.limits.find((l) => l.stage === stage)?.limitHours;
  const head = (first: string) => (
    <thead>
      <tr><th scope="col">{first}</th><th scope="col">{t('count')}</th><th scope="col">{t('median')}</th><th scope="col">{t('p90')}</th></tr>
    </thead>
  );
  return (
    <Section title={t('stageTimes')} id="stage-times">
      <form className="decide" onSubmit={show}>
        <label htmlFor="st-from">{t('monthFrom')}<input id="st-from" name="from" value={from} onChange={(e) => setFrom(e.target.value)} placeholder={digits('1405-01', lang)} dir="ltr" /></label>
        <label htmlFor="st-to">{t('monthTo')}<input id="st-to" name="to" value={to} onChange={(e) => setTo(e.target.value)} placeholder={digits('1405-03', lang)} dir="ltr" /></label>
        <button type="submit">{t('show')}</button>
      </form>
      <Loading state={times}>
        {(data: StageTimesView) => {
          const stages = data.stages;
          const over = data.overLimit;
          return (
            <>
              {(data.from || data.to) && (
                <p className="muted">{t('period')}: <span dir="ltr">{digits(data.from ?? '', lang)} – {digits(data.to ?? '', lang)}</span></p>
              )}
              {stages.length === 0 && <p>{t('nothing')}</p>}
              {stages.map((s) => (
                <article key={`${s.stage}-${s.owner ?? ''}`} className="stage-times" data-stage={s.stage}>
                  <h3>
                    {name('stage_', s.stage)}
                    {s.owner && <> · {t('owner')}: {name('owner_', s.owner)}</>}
                    {limitOf(s.stage) != null && <> · {t('limit')}: <Hours value={limitOf(s.stage)} /></>}
                  </h3>
                  <table className="by-month">
                    {head(t('month'))}
                    <tbody>
                      <TimingRows rows={s.byMonth ?? []} label={(r) => <span dir="ltr">{digits(r.month, lang)}</span>} />
                    </tbody>
                  </table>
                  {(s.byAgency?.length ?? 0) > 0 && (
                    <details>
                      <summary>{t('byAgencyStage')}</summary>
                      <table className="by-agency">{head(t('agency'))}<tbody><TimingRows rows={s.byAgency} label={(r) => whoOf(r, lang)} /></tbody></table>
                    </details>
                  )}
                  {(s.byMember?.length ?? 0) > 0 && (
                    <details>
                      <summary>{t('byMemberStage')}</summary>
                      <table className="by-member">{head(t('member'))}<tbody><TimingRows rows={s.byMember} label={(r) => whoOf(r, lang)} /></tbody></table>
                    </details>
                  )}
                </article>
              ))}
              <h3>
                {t('overLimit')}
                {data.overLimitTotal != null && <> (<span data-count="over-limit"><Num value={data.overLimitTotal} /></span>)</>}
              </h3>
              {over.length === 0 ? <p>{t('nothing')}</p> : (
                <table className="over-limit">
                  <thead>
                    <tr>
                      <th scope="col">{t('stage')}</th><th scope="col">{t('project')}</th><th scope="col">{t('startedAt')}</th>
                      <th scope="col">{t('endedAt')}</th><th scope="col">{t('duration')}</th><th scope="col">{t('limit')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {over.map((o, k) => (
                      <tr key={`${o.subjectId ?? k}-${o.stage}`} data-stage={o.stage} data-case={o.caseId ?? ''}>
                        <td>{name('stage_', o.stage)}{o.owner && <> · {name('owner_', o.owner)}</>}</td>
                        <td>{o.projectId ? <a href={`#/projects/${o.projectId}`}>{o.projectCode ?? o.projectId}</a> : (o.projectCode ?? '—')}</td>
                        <td><DateText value={o.startedAt} time /></td>
                        <td>{o.endedAt ? <DateText value={o.endedAt} time /> : <span className="badge stale">{t('ongoing')}</span>}</td>
                        <td><Hours value={o.hours} /></td>
                        <td><Hours value={o.limitHours} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </Loading>
    </Section>
  );
}
