import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useApp } from '../app-context';
import { GapChart } from '../charts/GapChart';
import { MoneyChart } from '../charts/MoneyChart';
import { digits, formatMoney, formatPercent } from '../format';
import { ActionChainGraph, ProgressChart } from '../graph';
import type { LabelKey } from '../i18n';
import { DateText, LoadMore, Loading, Money, Num, Section, StateBadge, useLoad, usePaged, type Page } from '../ui';
import './portal.css';
import { PortalRates, PortalSamples } from './PortalVerification';

// What the public API answers (libs/modules/src/portal/dto.ts).
interface RollUp {
  counted: number;
  verifiedPercent: number | null;
  selfDeclaredPercent: number | null;
  gapPercent: number | null;
}
interface Totals {
  projects: number;
  confidential: number;
  budgetRials: string;
  budgeted: number;
  releasedRials: string;
  stale: number;
  monitoringPaused: number;
  repeats: number;
  progress: RollUp;
}
interface PortfolioFigures extends Totals {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;
  monitoringPausedAt: string | null;
}
interface Figures extends Totals {
  portfolios: PortfolioFigures[];
  at: string;
}
interface AgencyProgress {
  code: string;
  nameFa: string;
  nameEn: string;
  projects: number;
  progress: RollUp;
}
interface Named {
  nameFa: string;
  nameEn: string;
}
interface Agency extends Named {
  code: string;
  role: 'lead' | 'co_lead' | 'collaborating';
}
interface ProjectView extends Named {
  id: string;
  code: string;
  portfolioId: string;
  confidential: boolean;
  synthetic: boolean;
  repeats: { portfolioCode?: string; projectCode?: string; elsewhereEn?: string } | null;
  budgetRials: string | null;
  releasedRials: string | null;
  verifiedPercent: number | null;
  declaredPercent: number | null;
  selfDeclaredPercent: number | null;
  selfDeclaredSource: 'declarations' | 'report' | null;
  gapPercent: number | null;
  lastVerifiedAt: string | null;
  stale: boolean;
  monitoringPaused: boolean;
  agencies: Agency[];
}
interface ItemView {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  weight: number;
  plannedStart: string;
  dueAt: string;
  budgetRials: string;
  verifiedPercent: number;
  declaredPercent: number;
  lastVerifiedAt: string | null;
  ownerAgency: { code: string; nameFa: string; nameEn: string };
  fundedByTranches: number[] | null;
}
interface LinkView {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}
interface TrancheView {
  number: number;
  amountRials: string;
  state: string;
  releasedAt: string | null;
  releasedRials: string;
  earnedRials: string;
}
interface HistoryEvent {
  at: string;
  kind: 'declaration' | 'verification' | 'tranche' | 'plan_revision';
  itemCode: string | null;
  number: number | null;
  state: string | null;
  percent: number | null;
  revokedAt: string | null;
}
interface ProjectDetail extends ProjectView {
  items: ItemView[];
  links: LinkView[];
  tranches: TrancheView[];
  history: HistoryEvent[];
}
interface PortfolioDetail extends Named {
  id: string;
  code: string;
  monitoringPausedAt: string | null;
  monitoringPauseReason: string | null;
  monitoringHistory: { action: 'pause' | 'resume'; reason: string; at: string }[];
}

/** A label with {n} and {m} filled in (digits as the reader writes them). */
function useFill() {
  const { t, lang } = useApp();
  return (key: LabelKey, n: number | string, m: number | string = '') =>
    t(key).replace('{n}', digits(n, lang)).replace('{m}', digits(m, lang));
}

function useName() {
  const { lang } = useApp();
  return (x: Named) => (lang === 'fa' ? x.nameFa : x.nameEn);
}

function OpenData() {
  const { t } = useApp();
  const tables = ['portfolios', 'projects', 'items', 'tranches', 'releases'];
  return (
    <Section title={t('openData')}>
      <ul className="open-data">
        {tables.map((name) => (
          <li key={name}>
            <code dir="ltr">{name}</code>: <a href={`/api/public/open-data/${name}.csv`} download>CSV</a> · <a href={`/api/public/open-data/${name}.json`}>JSON</a>
          </li>
        ))}
        <li><a href="/api/public/open-data/workbook.xlsx" download>{t('workbook')} (XLSX)</a></li>
      </ul>
      <h3>{t('openStandardsHeading')}</h3>
      <ul className="open-data">
        <li><a href="/api/public/open-data/oc4ids.json" download="pelekan-oc4ids.json">{t('openStandardsOc4ids')}</a></li>
        <li><a href="/api/public/open-data/iati-activities.xml" download>{t('openStandardsIati')}</a></li>
      </ul>
    </Section>
  );
}

/** The headline figures, each a term and its value (data-figure names it for the tests). */
function FigureTiles({ f }: { f: Totals }) {
  const { t, lang, toman } = useApp();
  const fill = useFill();
  const points = (v: number | null) => (v === null ? '—' : `${digits(v.toLocaleString('en-US', { maximumFractionDigits: 2 }), lang)} ${t('portal_points')}`);
  const tiles: { key: string; label: LabelKey; value: string; note?: string; tone?: string }[] = [
    { key: 'projects', label: 'portal_fig_projects', value: digits(f.projects, lang), note: f.confidential > 0 ? fill('portal_confidentialNote', f.confidential) : undefined },
    { key: 'budget', label: 'portal_fig_budget', value: formatMoney(f.budgetRials, lang, toman), note: fill('portal_budgetedOf', f.budgeted, f.projects - f.confidential) },
    { key: 'released', label: 'portal_fig_released', value: formatMoney(f.releasedRials, lang, toman) },
    { key: 'selfDeclared', label: 'portal_fig_selfDeclared', value: formatPercent(f.progress.selfDeclaredPercent, lang), note: fill('portal_countedOf', f.progress.counted) },
    { key: 'verified', label: 'portal_fig_verified', value: formatPercent(f.progress.verifiedPercent, lang), tone: 'verified' },
    { key: 'gap', label: 'portal_fig_gap', value: points(f.progress.gapPercent), tone: 'gap' },
    { key: 'stale', label: 'portal_fig_stale', value: digits(f.stale, lang), note: t('portal_staleNote') },
    { key: 'paused', label: 'portal_fig_paused', value: digits(f.monitoringPaused, lang) },
    { key: 'repeats', label: 'portal_fig_repeats', value: digits(f.repeats, lang) },
  ];
  return (
    <dl className="figures">
      {tiles.map((x) => (
        <div key={x.key} className={`figure ${x.tone ?? ''}`} data-figure={x.key}>
          <dt>{t(x.label)}</dt>
          <dd><span className="figure-value">{x.value}</span>{x.note && <small>{x.note}</small>}</dd>
        </div>
      ))}
    </dl>
  );
}

function PortfolioCards({ portfolios }: { portfolios: PortfolioFigures[] }) {
  const { t, lang } = useApp();
  const name = useName();
  return (
    <ul className="portfolio-cards">
      {portfolios.map((p) => (
        <li key={p.id} data-portfolio={p.code}>
          <h3><a href={`#/portal/portfolios/${p.id}`}>{name(p)}</a></h3>
          <p>
            <Num value={p.projects} /> {t('projects')}
            {p.repeats > 0 && <> · <Num value={p.repeats} /> {t('portal_repeat')}</>}
            {p.synthetic && <span className="badge">{t('portal_synthetic')}</span>}
            {p.monitoringPausedAt && <span className="badge paused">{t('portal_paused')}</span>}
          </p>
          <p>
            {t('portal_legendSelfDeclared')} {formatPercent(p.progress.selfDeclaredPercent, lang)} · {t('portal_legendVerified')} {formatPercent(p.progress.verifiedPercent, lang)}
          </p>
        </li>
      ))}
    </ul>
  );
}

type Sort = 'code' | 'name' | 'budget' | 'released' | 'verified' | 'gap';

/** The project list: search, filters, sort, a page at a time. */
function ProjectList({ portfolios, agencies, portfolioId }: { portfolios: PortfolioFigures[]; agencies: AgencyProgress[]; portfolioId?: string }) {
  const { t, lang } = useApp();
  const name = useName();
  const fill = useFill();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [portfolio, setPortfolio] = useState(portfolioId ?? '');
  const [agency, setAgency] = useState('');
  const [stale, setStale] = useState('');
  const [repeat, setRepeat] = useState('');
  const [sort, setSort] = useState<Sort>('code');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const query = new URLSearchParams({ limit: '20', sort: sort === 'name' ? (lang === 'fa' ? 'name_fa' : 'name_en') : sort, order });
  if (q) query.set('q', q);
  if (portfolio) query.set('portfolioId', portfolio);
  if (agency) query.set('agency', agency);
  if (stale) query.set('stale', stale);
  if (repeat) query.set('repeat', repeat);
  const path = `/api/public/projects?${query.toString()}`;
  const list = usePaged((after) => api<Page<ProjectView>>('GET', after ? `${path}&after=${encodeURIComponent(after)}` : path), [path]);
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  const sorts: Sort[] = ['code', 'name', 'budget', 'released', 'verified', 'gap'];
  return (
    <Section title={t('portal_projectList')} id="portal-projects">
      <form className="project-filters" role="search" onSubmit={search}>
        <label>
          {t('portal_search')}
          <span className="search-row">
            <input type="search" name="q" value={typed} placeholder={t('portal_searchHint')} onChange={(e) => setTyped(e.target.value)} />
            <button type="submit">{t('portal_search')}</button>
          </span>
        </label>
        {portfolioId === undefined && (
          <label>
            {t('portal_portfolio')}
            <select name="portfolio" value={portfolio} onChange={(e) => setPortfolio(e.target.value)}>
              <option value="">{t('portal_all')}</option>
              {portfolios.map((p) => <option key={p.id} value={p.id}>{name(p)}</option>)}
            </select>
          </label>
        )}
        <label>
          {t('portal_agency')}
          <select name="agency" value={agency} onChange={(e) => setAgency(e.target.value)}>
            <option value="">{t('portal_all')}</option>
            {agencies.map((a) => <option key={a.code} value={a.code}>{name(a)}</option>)}
          </select>
        </label>
        <label>
          {t('portal_freshness')}
          <select name="stale" value={stale} onChange={(e) => setStale(e.target.value)}>
            <option value="">{t('portal_all')}</option>
            <option value="true">{t('portal_onlyStale')}</option>
            <option value="false">{t('portal_onlyFresh')}</option>
          </select>
        </label>
        <label>
          {t('portal_repeats')}
          <select name="repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)}>
            <option value="">{t('portal_all')}</option>
            <option value="true">{t('portal_onlyRepeats')}</option>
            <option value="false">{t('portal_noRepeats')}</option>
          </select>
        </label>
        <label>
          {t('portal_sort')}
          <select name="sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            {sorts.map((s) => <option key={s} value={s}>{t(`portal_sort_${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('portal_order')}
          <select name="order" value={order} onChange={(e) => setOrder(e.target.value as 'asc' | 'desc')}>
            <option value="asc">{t('portal_order_asc')}</option>
            <option value="desc">{t('portal_order_desc')}</option>
          </select>
        </label>
      </form>
      <Loading state={list}>
        {() => {
          const items = list.data ?? [];
          if (items.length === 0) return <p className="empty" role="status">{t('portal_noResults')}</p>;
          return (
            <>
              <p className="muted" role="status">{fill('portal_shown', items.length)}</p>
              <ul className="project-list" aria-busy={list.loading}>
                {items.map((p) => <ProjectCard key={p.id} p={p} />)}
              </ul>
              <LoadMore list={list} />
            </>
          );
        }}
      </Loading>
    </Section>
  );
}

function ProjectBadges({ p }: { p: ProjectView }) {
  const { t } = useApp();
  return (
    <>
      {p.repeats && <span className="badge repeat" title={p.repeats.elsewhereEn ?? ''}>{t('portal_repeat')} <bdi>{[p.repeats.portfolioCode, p.repeats.projectCode].filter(Boolean).join(' ')}</bdi></span>}
      {p.stale && <span className="badge stale" data-testid="stale">{t('portal_stale')}</span>}
      {p.monitoringPaused && <span className="badge paused">{t('portal_paused')}</span>}
      {p.confidential && <span className="badge">{t('portal_confidential')}</span>}
      {p.synthetic && <span className="badge">{t('portal_synthetic')}</span>}
    </>
  );
}

function ProjectCard({ p }: { p: ProjectView }) {
  const { t, lang } = useApp();
  const name = useName();
  const lead = p.agencies.filter((a) => a.role === 'lead').map(name).join('، ');
  return (
    <li data-project={p.code} className="project-card">
      <h3><a href={`#/portal/projects/${p.id}`}><bdi>{p.code}</bdi> — {name(p)}</a></h3>
      <p><ProjectBadges p={p} /></p>
      <p className="muted">{t('portal_lead')}: {lead || '—'}</p>
      <dl className="pair">
        <div><dt>{t('portal_legendSelfDeclared')}</dt><dd>{formatPercent(p.selfDeclaredPercent, lang)}</dd></div>
        <div><dt>{t('portal_legendVerified')}</dt><dd>{formatPercent(p.verifiedPercent, lang)}</dd></div>
        <div><dt>{t('portal_legendBudget')}</dt><dd><Money rials={p.budgetRials} /></dd></div>
        <div><dt>{t('portal_legendReleased')}</dt><dd><Money rials={p.releasedRials} /></dd></div>
        <div><dt>{t('portal_lastVerified')}</dt><dd>{p.lastVerifiedAt ? <DateText value={p.lastVerifiedAt} /> : t('portal_never')}</dd></div>
      </dl>
    </li>
  );
}

function AgencyChart({ agencies }: { agencies: AgencyProgress[] }) {
  const { t } = useApp();
  const name = useName();
  const rows = agencies
    .filter((a) => a.progress.counted > 0)
    .sort((a, b) => (b.progress.gapPercent ?? 0) - (a.progress.gapPercent ?? 0) || a.code.localeCompare(b.code))
    .map((a) => ({ key: a.code, label: name(a), selfDeclared: a.progress.selfDeclaredPercent, verified: a.progress.verifiedPercent }));
  return <GapChart id="gap-by-agency" title={t('portal_gapByAgency')} description={t('portal_gapByAgencyDesc')} rows={rows} nameHeader={t('portal_agency')} />;
}

function ProjectGapChart({ portfolioId }: { portfolioId?: string }) {
  const { t } = useApp();
  const name = useName();
  const top = useLoad<{ items: ProjectView[] }>(
    () => api('GET', `/api/public/projects?sort=gap&order=desc&limit=12${portfolioId ? `&portfolioId=${portfolioId}` : ''}`),
    [portfolioId],
  );
  return (
    <Loading state={top}>
      {() => {
        const items = (top.data as { items: ProjectView[] }).items.filter((p) => p.selfDeclaredPercent !== null);
        const rows = items.map((p) => ({ key: p.code, label: `${p.code} — ${name(p)}`, selfDeclared: p.selfDeclaredPercent, verified: p.verifiedPercent, href: `#/portal/projects/${p.id}` }));
        return <GapChart id="gap-by-project" title={t('portal_gapByProject')} description={t('portal_gapByProjectDesc')} rows={rows} nameHeader={t('portal_project')} />;
      }}
    </Loading>
  );
}

export function PortalHome() {
  const { t } = useApp();
  const name = useName();
  const figures = useLoad<Figures>(() => api('GET', '/api/public/figures'));
  const agencies = useLoad<AgencyProgress[]>(() => api('GET', '/api/public/progress-by-agency'));
  return (
    <div className="workspace portal" data-workspace="portal">
      <h1>{t('portal')}</h1>
      <p className="lead">{t('portal_intro')}</p>
      <Loading state={figures}>
        {() => {
          const f = figures.data as Figures;
          return (
            <>
              <section className="card" aria-labelledby="portal-figures">
                <h2 id="portal-figures">{t('portal_figures')}</h2>
                <FigureTiles f={f} />
              </section>
              <section className="card" aria-labelledby="portal-portfolios">
                <h2 id="portal-portfolios">{t('portal_portfolios')}</h2>
                <PortfolioCards portfolios={f.portfolios} />
              </section>
              <section className="card charts" aria-label={t('portal_fig_gap')}>
                <Loading state={agencies}>{() => <AgencyChart agencies={agencies.data as AgencyProgress[]} />}</Loading>
                <ProjectGapChart />
                <MoneyChart
                  id="money-by-portfolio"
                  title={t('portal_money')}
                  description={t('portal_moneyDesc')}
                  nameHeader={t('portal_portfolio')}
                  rows={f.portfolios.map((p) => ({ key: p.code, label: name(p), budgetRials: p.budgetRials, releasedRials: p.releasedRials }))}
                />
              </section>
              <Loading state={agencies}>{() => <ProjectList portfolios={f.portfolios} agencies={agencies.data as AgencyProgress[]} />}</Loading>
            </>
          );
        }}
      </Loading>
      <PortalSamples />
      <PortalRates />
      <OpenData />
    </div>
  );
}

export function PortalPortfolio({ id }: { id: string }) {
  const { t } = useApp();
  const name = useName();
  const portfolio = useLoad<PortfolioDetail>(() => api('GET', `/api/public/portfolios/${id}`), [id]);
  const figures = useLoad<Figures>(() => api('GET', '/api/public/figures'));
  const agencies = useLoad<AgencyProgress[]>(() => api('GET', '/api/public/progress-by-agency'));
  return (
    <div className="workspace portal" data-workspace="portal-portfolio">
      <p><a href="#/portal">{t('portal_back')}</a></p>
      <Loading state={portfolio}>
        {() => {
          const p = portfolio.data as PortfolioDetail;
          return (
            <>
              <h1>{name(p)}</h1>
              {p.monitoringPausedAt && (
                <p className="banner" role="status">{t('portal_paused')} — <DateText value={p.monitoringPausedAt} />: {p.monitoringPauseReason}</p>
              )}
              {p.monitoringHistory.length > 0 && (
                <Section title={t('portal_monitoringHistory')}>
                  <ul>
                    {p.monitoringHistory.map((e, n) => (
                      <li key={n}><DateText value={e.at} /> · {t(e.action === 'pause' ? 'portal_pause' : 'portal_resume')}: {e.reason}</li>
                    ))}
                  </ul>
                </Section>
              )}
            </>
          );
        }}
      </Loading>
      <Loading state={figures}>
        {() => {
          const f = (figures.data as Figures).portfolios.find((x) => x.id === id);
          if (!f) return null;
          return (
            <>
              <section className="card" aria-labelledby="portal-figures">
                <h2 id="portal-figures">{t('portal_figures')}</h2>
                <FigureTiles f={f} />
              </section>
              <section className="card charts" aria-label={t('portal_fig_gap')}>
                <ProjectGapChart portfolioId={id} />
              </section>
              <Loading state={agencies}>{() => <ProjectList portfolios={(figures.data as Figures).portfolios} agencies={agencies.data as AgencyProgress[]} portfolioId={id} />}</Loading>
            </>
          );
        }}
      </Loading>
    </div>
  );
}

function historyText(e: HistoryEvent, t: (k: LabelKey) => string, fill: ReturnType<typeof useFill>, lang: 'fa' | 'en'): string {
  switch (e.kind) {
    case 'declaration':
      return fill('portal_ev_declaration', e.itemCode ?? '', formatPercent(e.percent, lang));
    case 'verification': {
      const outcome = e.state === 'accepted' || e.state === 'accepted_lower' || e.state === 'rejected' ? t(`portal_outcome_${e.state}`) : '';
      return `${fill('portal_ev_verification', e.itemCode ?? '')}: ${outcome}${e.percent !== null ? ` (${formatPercent(e.percent, lang)})` : ''}${e.revokedAt ? ` — ${t('portal_revoked')}` : ''}`;
    }
    case 'tranche':
      return fill('portal_ev_tranche', e.number ?? '');
    case 'plan_revision':
      return `${fill('portal_ev_plan_revision', e.number ?? '')}: ${e.state === 'approved' ? t('portal_revision_approved') : t('portal_revision_rejected')}`;
  }
}

export function PortalProject({ id }: { id: string }) {
  const { t, lang } = useApp();
  const name = useName();
  const fill = useFill();
  const project = useLoad<ProjectDetail>(() => api('GET', `/api/public/projects/${id}`), [id]);
  return (
    <div className="workspace portal" data-workspace="portal-project">
      <p><a href="#/portal">{t('portal_back')}</a></p>
      <Loading state={project}>
        {() => {
          const p = project.data as ProjectDetail;
          const lead = p.agencies.filter((a) => a.role === 'lead').map(name).join('، ');
          const others = p.agencies.filter((a) => a.role !== 'lead').map(name).join('، ');
          return (
            <>
              <header className="project-head">
                <h1><bdi>{p.code}</bdi> — {name(p)}</h1>
                <p><ProjectBadges p={p} /></p>
                <p>{t('portal_lead')}: {lead || '—'}{others && <> · {t('collaborating')}: {others}</>}</p>
              </header>
              {p.confidential && <p className="banner" role="status">{t('portal_confidentialProject')}</p>}
              <dl className="figures" data-project-figures>
                <div className="figure" data-figure="selfDeclared">
                  <dt>{t('portal_fig_selfDeclared')}</dt>
                  <dd>
                    <span className="figure-value">{formatPercent(p.selfDeclaredPercent, lang)}</span>
                    {p.selfDeclaredSource && <small>{t(`portal_source_${p.selfDeclaredSource}`)}</small>}
                  </dd>
                </div>
                <div className="figure verified" data-figure="verified"><dt>{t('portal_fig_verified')}</dt><dd><span className="figure-value">{formatPercent(p.verifiedPercent, lang)}</span></dd></div>
                <div className="figure gap" data-figure="gap"><dt>{t('portal_fig_gap')}</dt><dd><span className="figure-value">{p.gapPercent === null ? '—' : `${digits(p.gapPercent, lang)} ${t('portal_points')}`}</span></dd></div>
                <div className="figure" data-figure="budget"><dt>{t('portal_fig_budget')}</dt><dd><span className="figure-value"><Money rials={p.budgetRials} /></span></dd></div>
                <div className="figure" data-figure="released"><dt>{t('portal_fig_released')}</dt><dd><span className="figure-value"><Money rials={p.releasedRials} /></span></dd></div>
                <div className="figure" data-figure="lastVerified"><dt>{t('portal_lastVerified')}</dt><dd><span className="figure-value">{p.lastVerifiedAt ? <DateText value={p.lastVerifiedAt} /> : t('portal_never')}</span></dd></div>
              </dl>
              {p.items.length > 0 && (
                <Section title={t('portal_actionChain')} id="portal-chain">
                  <div className="scroll" tabIndex={0} role="region" aria-label={t('portal_actionChain')}><ActionChainGraph projectId={id} items={p.items} links={p.links} /></div>
                  <div className="scroll" tabIndex={0} role="region" aria-label={t('progressChart')}>
                    <ProgressChart items={p.items} declared={p.declaredPercent ?? 0} verified={p.verifiedPercent ?? 0} />
                  </div>
                  <GapChart
                    id="gap-by-item"
                    title={t('portal_items')}
                    description={t('portal_gapByProjectDesc')}
                    nameHeader={t('portal_item')}
                    rows={p.items.map((i) => ({ key: i.code, label: `${digits(i.code, lang)} — ${lang === 'fa' ? i.titleFa : i.titleEn}`, selfDeclared: i.declaredPercent, verified: i.verifiedPercent }))}
                  />
                </Section>
              )}
              {!p.confidential && (
                <Section title={t('portal_tranches')} id="portal-tranches">
                  {p.tranches.length === 0 ? (
                    <p className="empty">{t('portal_noTranches')}</p>
                  ) : (
                    <div className="scroll">
                      <table className="tranches">
                        <thead>
                          <tr>
                            <th scope="col">{t('portal_trancheNo')}</th><th scope="col">{t('portal_state')}</th><th scope="col">{t('portal_amount')}</th>
                            <th scope="col">{t('portal_legendReleased')}</th><th scope="col">{t('portal_earned')}</th><th scope="col">{t('portal_releasedOn')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {p.tranches.map((x) => (
                            <tr key={x.number} data-tranche={x.number} data-state={x.state}>
                              <th scope="row"><Num value={x.number} /></th>
                              <td><StateBadge state={x.state} /></td>
                              <td><Money rials={x.amountRials} /></td>
                              <td><Money rials={x.releasedRials} /></td>
                              <td><Money rials={x.earnedRials} /></td>
                              <td>{x.releasedAt ? <DateText value={x.releasedAt} /> : '—'}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </Section>
              )}
              {!p.confidential && (
                <Section title={t('portal_history')} id="portal-history">
                  {p.history.length === 0 ? (
                    <p className="empty">{t('portal_noHistory')}</p>
                  ) : (
                    <ol className="history">
                      {p.history.map((e, n) => (
                        <li key={n} data-event={e.kind}>
                          <DateText value={e.at} time /> · {historyText(e, t, fill, lang)}
                          {e.kind === 'tranche' && e.state && <> · <StateBadge state={e.state} /></>}
                        </li>
                      ))}
                    </ol>
                  )}
                </Section>
              )}
            </>
          );
        }}
      </Loading>
    </div>
  );
}

