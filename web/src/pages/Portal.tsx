import { useApp } from '../app-context';
import { api } from '../api';
import { ActionChainGraph, ProgressChart } from '../graph';
import { DateText, Loading, Money, Num, Percent, Section, StateBadge, useLoad } from '../ui';
import { PortalRates, PortalSamples } from './PortalVerification';
import { ProjectSummary } from './Project';

function OpenData() {
  const { t } = useApp();
  const tables = ['portfolios', 'projects', 'items', 'tranches', 'releases'];
  return (
    <Section title={t('openData')}>
      <ul className="open-data">
        {tables.map((name) => (
          <li key={name}>
            {name}: <a href={`/api/public/open-data/${name}.csv`} download>CSV</a> · <a href={`/api/public/open-data/${name}.json`}>JSON</a>
          </li>
        ))}
        <li><a href="/api/public/open-data/workbook.xlsx" download>{t('workbook')} (XLSX)</a></li>
      </ul>
    </Section>
  );
}

export function PortalHome() {
  const { t, lang } = useApp();
  const portfolios = useLoad(() => api('GET', '/api/public/portfolios'));
  return (
    <div className="workspace" data-workspace="portal">
      <h1>{t('portal')}</h1>
      <Loading state={portfolios}>
        {() => (
          <ul className="portfolios">
            {portfolios.data.map((p: any) => (
              <li key={p.id} data-portfolio={p.code}>
                <a href={`#/portal/portfolios/${p.id}`}>{lang === 'fa' ? p.nameFa : p.nameEn}</a> — <Num value={p.projectCount} /> {t('projects')}
                {p.repeatCount > 0 && <> (<Num value={p.repeatCount} /> {t('repeat')})</>}
                {p.synthetic && <span className="badge">{t('synthetic')}</span>}
                {p.monitoringPausedAt && <span className="badge paused">{t('paused')}</span>}
              </li>
            ))}
          </ul>
        )}
      </Loading>
      <PortalSamples />
      <PortalRates />
      <OpenData />
    </div>
  );
}

export function PortalPortfolio({ id }: { id: string }) {
  const { t, lang } = useApp();
  const portfolio = useLoad(() => api('GET', `/api/public/portfolios/${id}`), [id]);
  return (
    <div className="workspace" data-workspace="portal-portfolio">
      <Loading state={portfolio}>
        {() => {
          const p = portfolio.data;
          return (
            <>
              <h1>{lang === 'fa' ? p.nameFa : p.nameEn}</h1>
              {p.monitoringPausedAt && (
                <p className="banner" role="status">{t('paused')} — <DateText value={p.monitoringPausedAt} />: {p.monitoringPauseReason}</p>
              )}
              <table className="projects">
                <thead>
                  <tr>
                    <th>{t('project')}</th><th>{t('lead')}</th><th>{t('collaborating')}</th><th>{t('verified')}</th>
                    <th>{t('selfDeclared')}</th><th>{t('budget')}</th><th>{t('releasedAmount')}</th><th>{t('lastVerified')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.projects.map((x: any) => (
                    <tr key={x.id} data-project={x.code}>
                      <td>
                        <a href={`#/portal/projects/${x.id}`}>{x.code} — {lang === 'fa' ? x.nameFa : x.nameEn}</a>
                        {x.repeats && <span className="badge repeat" title={x.repeats.elsewhereEn ?? ''}>{t('repeat')} {x.repeats.portfolioCode} {x.repeats.projectCode}</span>}
                        {x.confidential && <span className="badge">{t('confidential')}</span>}
                      </td>
                      <td>{x.agencies.filter((a: any) => a.role === 'lead').map((a: any) => (lang === 'fa' ? a.nameFa : a.nameEn)).join('، ')}</td>
                      <td>{x.agencies.filter((a: any) => a.role !== 'lead').map((a: any) => (lang === 'fa' ? a.nameFa : a.nameEn)).join('، ')}</td>
                      <td><Percent value={x.verifiedPercent} /></td>
                      <td className="self-declared">{x.selfDeclared?.actualProgressPct != null ? <Percent value={x.selfDeclared.actualProgressPct} /> : '—'}</td>
                      <td><Money rials={x.budgetRials} /></td>
                      <td><Money rials={x.releasedRials} /></td>
                      <td>{x.lastVerifiedAt ? <DateText value={x.lastVerifiedAt} /> : t('never')} {x.stale && <span className="badge stale">{t('stale')}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </Loading>
      <p><a href="#/portal">{t('back')}</a></p>
    </div>
  );
}

export function PortalProject({ id }: { id: string }) {
  const { t } = useApp();
  const project = useLoad(() => api('GET', `/api/public/projects/${id}`), [id]);
  return (
    <div className="workspace" data-workspace="portal-project">
      <Loading state={project}>
        {() => {
          const p = project.data;
          return (
            <>
              <ProjectSummary p={p} />
              <p>{t('verified')} <Percent value={p.verifiedPercent} /> · {t('selfDeclared')}: {p.selfDeclared?.actualProgressPct != null ? <Percent value={p.selfDeclared.actualProgressPct} /> : '—'} · {t('budget')} <Money rials={p.budgetRials} /> · {t('releasedAmount')} <Money rials={p.releasedRials} /></p>
              {p.items.length > 0 && (
                <Section title={t('actionChain')}>
                  <div className="scroll"><ActionChainGraph projectId={id} items={p.items} links={p.links} /></div>
                  <ProgressChart items={p.items} declared={p.declaredPercent} verified={p.verifiedPercent} />
                </Section>
              )}
              <Section title={t('trancheTimeline')}>
                <ol className="timeline">
                  {p.tranches.map((x: any) => (
                    <li key={x.number} data-tranche={x.number} data-state={x.state}>
                      <Num value={x.number} /> · <StateBadge state={x.state} /> · <Money rials={x.amountRials} />
                      {' '}· {t('releasedAmount')} <Money rials={x.releasedRials} /> · {t('earned')} <Money rials={x.earnedRials} />
                      {x.releasedAt && <> · <DateText value={x.releasedAt} /></>}
                    </li>
                  ))}
                </ol>
              </Section>
            </>
          );
        }}
      </Loading>
    </div>
  );
}
