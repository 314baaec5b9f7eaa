import { useState } from 'react';
import { api } from '../api';
import { useApp } from '../app-context';
import { digits } from '../format';
import { DateText, Loading, Num, Section, useLoad } from '../ui';
import { RatesTables, SamplesTable, type DiscrepancyRates, type SampleSummary } from '../verification';

interface DrawView {
  declarationId: string;
  itemId: string;
  itemCode: string;
  projectCode: string;
  ownerAgencyId: string;
  ownerAgencyCode: string;
  draw: string;
  u: number;
  p: string;
  basis: 'tranche_at_or_above' | 'agency_risk';
  agencyDiscrepancies: number;
  selected: boolean;
  fieldCheck: { outcome: 'confirmed' | 'discrepancy'; verifiedPercent: number | null; checkedAt: string } | null;
}

/** A published sample's every draw, and the rule that turned seed and ids into the selection. */
function SampleDraws({ id }: { id: string }) {
  const { t, lang } = useApp();
  const sample = useLoad(() => api<{ formula: string; draws?: DrawView[] }>('GET', `/api/public/verification-samples/${id}`), [id]);
  return (
    <div className="draws" id={`draws-${id}`} data-draws={id}>
      <Loading state={sample}>
        {(published) => {
          const draws: DrawView[] = published.draws ?? [];
          return (
            <>
              <h4>{t('formula')}</h4>
              <pre className="formula" dir="ltr">{published.formula}</pre>
              <p><a href={`/api/public/verification-samples/${id}`} target="_blank" rel="noreferrer" dir="ltr">{t('publishedJson')}</a></p>
              <div className="scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('declaration')}</th><th scope="col">{t('item')}</th><th scope="col">{t('agency')}</th>
                      <th scope="col">u</th><th scope="col">p</th><th scope="col">{t('basis')}</th>
                      <th scope="col">{t('selected')}</th><th scope="col">{t('fieldCheck')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {draws.map((d) => (
                      <tr key={d.declarationId} data-draw={d.declarationId} data-selected={String(d.selected)} data-outcome={d.fieldCheck?.outcome ?? ''}>
                        <td><code dir="ltr" title={d.declarationId}>{d.declarationId.slice(0, 8)}</code></td>
                        <td>{d.projectCode} · <Num value={d.itemCode} /></td>
                        <td>{d.ownerAgencyCode}</td>
                        <td dir="ltr" title={d.draw}>{digits(d.u.toFixed(6), lang)}</td>
                        <td dir="ltr">{digits(d.p, lang)}</td>
                        <td>{t(`basis_${d.basis}` as const)}{d.basis === 'agency_risk' && d.agencyDiscrepancies > 0 && <> (<Num value={d.agencyDiscrepancies} /> {t('discrepancies')})</>}</td>
                        <td>{d.selected ? t('yes') : t('no')}</td>
                        <td>
                          {d.fieldCheck ? (
                            <>
                              {t(d.fieldCheck.outcome)}
                              {d.fieldCheck.verifiedPercent !== null && <> ({digits(d.fieldCheck.verifiedPercent, lang)}{lang === 'fa' ? '٪' : '%'})</>}
                              {' · '}<DateText value={d.fieldCheck.checkedAt} />
                            </>
                          ) : d.selected ? <span className="muted">{t('notChecked')}</span> : '—'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Loading>
    </div>
  );
}

/** The public list of verification samples, each with its draws on demand. */
export function PortalSamples() {
  const { t } = useApp();
  const samples = useLoad<SampleSummary[]>(() => api('GET', '/api/public/verification-samples'));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Section title={t('samples')} id="portal-samples">
      <Loading state={samples}>
        {() => (
          <>
            <SamplesTable
              samples={samples.data ?? []}
              extra={(s) => (
                <button type="button" className="show-draws" aria-expanded={open === s.id} aria-controls={`draws-${s.id}`} onClick={() => setOpen(open === s.id ? null : s.id)}>
                  {open === s.id ? t('hideDraws') : t('showDraws')}
                </button>
              )}
            />
            {open && <SampleDraws id={open} />}
          </>
        )}
      </Loading>
    </Section>
  );
}

/** The public discrepancy rates of field checks. */
export function PortalRates() {
  const { t } = useApp();
  const rates = useLoad<DiscrepancyRates>(() => api('GET', '/api/public/discrepancy-rates'));
  return (
    <Section title={t('discrepancyRates')} id="portal-rates">
      <Loading state={rates}>{() => <RatesTables rates={rates.data ?? {}} />}</Loading>
    </Section>
  );
}
