import { useState } from 'react';
import { api, call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import { dateExample, digits, typedRials } from '../format';
import { ActionChainGraph, ProgressChart } from '../graph';
import { DateText, FieldError, FormError, Loading, Money, Num, Percent, Section, Term, term, typedDate, useLoad } from '../ui';
import { PlanSection } from '../plan-editor/PlanSection';
import { TrancheCard } from './Pbo';
import { PlanImport } from './PlanImport';

type Category = Schema<'ChallengeView'>['category'];
const CATEGORIES: readonly Category[] = ['budget', 'inter_agency', 'data_sharing', 'infrastructure', 'legal', 'planning', 'other'];

/** What the project header shows: the signed-in project and the public one both carry it. */
interface ProjectHead {
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic?: boolean;
  stale?: boolean;
  lastVerifiedAt?: string | null;
  agencies?: Array<{ role: string; nameFa: string; nameEn: string }>;
}

/** Project header shared by the signed-in project page and the public one. */
export function ProjectSummary({ p }: { p: ProjectHead }) {
  const { t, lang } = useApp();
  const lead = p.agencies?.find((a) => a.role === 'lead');
  return (
    <header className="project-head">
      <h1><bdi data-i18n-exempt="code">{p.code}</bdi> — {lang === 'fa' ? p.nameFa : p.nameEn} {p.synthetic && <span className="badge">{t('synthetic')}</span>}</h1>
      <p>
        {t('lead')}: {lead ? (lang === 'fa' ? lead.nameFa : lead.nameEn) : '—'} ·{' '}
        {t('lastVerified')}: {p.lastVerifiedAt ? <DateText value={p.lastVerifiedAt} /> : t('never')}{' '}
        {p.stale && <span className="badge stale" data-testid="stale">{t('stale')}</span>}
      </p>
    </header>
  );
}

function Challenges({ projectId }: { projectId: string }) {
  const { t, user } = useApp();
  const list = useLoad(() => call(client.GET('/api/projects/{id}/challenges', { params: { path: { id: projectId } } })), [projectId]);
  const [form, setForm] = useState<{ category: Category; description: string }>({ category: 'budget', description: '' });
  const [solution, setSolution] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const declare = async (e: React.FormEvent) => {
    e.preventDefault();
    try { await call(client.POST('/api/projects/{id}/challenges', { params: { path: { id: projectId } }, body: { ...form, itemIds: [] } })); list.reload(); } catch (err) { setError(err); }
  };
  const propose = async (challengeId: string) => {
    try { await call(client.POST('/api/solutions', { body: { challengeId, description: solution[challengeId] ?? '' } })); list.reload(); } catch (err) { setError(err); }
  };
  return (
    <Section title={t('challenges')}>
      <Loading state={list} empty={t('nothing')}>
        {(challenges) => (
          <ul>
            {challenges.map((c) => (
              <li key={c.id} data-category={c.category}>
                <strong><Term code={c.category} prefix="ch_" /></strong>: {c.description}
                {c.budget && <> — <Money rials={c.budget.releasedNotSpentRials} /></>}
                <ul>{c.solutions.map((s) => <li key={s.id}>{t('solutions')}: {s.description}</li>)}</ul>
                {user?.role === 'agency' && (
                  <span>
                    <input aria-label={t('solutions')} value={solution[c.id] ?? ''} onChange={(e) => setSolution({ ...solution, [c.id]: e.target.value })} placeholder={t('solutions')} />
                    <button type="button" onClick={() => propose(c.id)}>{t('send')}</button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loading>
      {user?.role === 'agency' && (
        <form onSubmit={declare}>
          <select name="category" aria-label={t('category')} value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value as Category })}>
            {CATEGORIES.map((c) => <option key={c} value={c}>{term(t, c, 'ch_')}</option>)}
          </select>
          <input name="description" aria-label={t('description')} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} placeholder={t('description')} />
          <FieldError error={error} field="description" />
          <button type="submit">{t('send')}</button>
          <FormError error={error} fields={['description']} />
        </form>
      )}
    </Section>
  );
}

const RULE_KINDS = ['all_or_nothing', 'pro_rata', 'banded'] as const;
type RuleKind = (typeof RULE_KINDS)[number];
interface BandRow { fromPercent: string; payPercent: string }
const DEFAULT_BANDS: BandRow[] = [{ fromPercent: '80', payPercent: '100' }, { fromPercent: '50', payPercent: '70' }];
/** A percent as typed; left empty, null (the server names the field). */
const percentOf = (text: string) => (text.trim() === '' ? null : Number(text));

/** A PBO officer creates a tranche: items by checkbox, an optional amount, a release rule and a due date. */
function NewTrancheForm({ projectId, items, fundedBy, onDone }: { projectId: string; items: Schema<'ActionItemView'>[]; fundedBy: Map<string, number[]>; onDone(): void }) {
  const { t, lang } = useApp();
  const [funded, setFunded] = useState<string[]>([]);
  const [amount, setAmount] = useState('');
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<RuleKind>('all_or_nothing');
  const [minInstallment, setMinInstallment] = useState('1');
  const [bands, setBands] = useState<BandRow[]>(DEFAULT_BANDS);
  const [due, setDue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<number | null>(null);
  const toggle = (id: string, on: boolean) => setFunded(on ? [...funded, id] : funded.filter((x) => x !== id));
  const setBand = (i: number, key: keyof BandRow, value: string) => setBands(bands.map((b, k) => (k === i ? { ...b, [key]: value } : b)));
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    setBusy(true);
    try {
      // An empty percent goes as null: the server names the field (a type the contract does not allow, on purpose).
      const releaseRule =
        kind === 'pro_rata' ? { kind, minInstallmentRials: typedRials(minInstallment) }
        : kind === 'banded' ? { kind, bands: bands.map((b) => ({ fromPercent: percentOf(b.fromPercent) as number, payPercent: percentOf(b.payPercent) as number })) }
        : { kind };
      const body: Schema<'CreateTrancheDto'> = { fundedItemIds: funded, releaseRule };
      if (amount.trim()) body.amountRials = typedRials(amount);
      if (title.trim()) body.title = title.trim();
      if (due.trim()) body.dueAt = typedDate(due, lang, 'dueAt', t('dateFormat'));
      const tranche = await call(client.POST('/api/projects/{id}/tranches', { params: { path: { id: projectId } }, body }));
      setCreated(tranche.number);
      setFunded([]);
      setAmount('');
      setTitle('');
      setDue('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="new-tranche" onSubmit={submit}>
      <fieldset>
        <legend>{t('fundedItems')}</legend>
        {items.map((i) => (
          <label key={i.id} className="check">
            <input type="checkbox" name="fundedItemIds" value={i.id} data-item-code={i.code} checked={funded.includes(i.id)} onChange={(e) => toggle(i.id, e.target.checked)} />
            <Num value={i.code} /> · {lang === 'fa' ? i.titleFa : i.titleEn} · <Money rials={i.budgetRials} />
            {fundedBy.get(i.id)?.length ? <span className="muted"> ({t('fundedByTranche')} {digits(fundedBy.get(i.id)!.join(lang === 'fa' ? '، ' : ', '), lang)})</span> : null}
          </label>
        ))}
        <FieldError error={error} field="fundedItemIds" />
      </fieldset>
      <label>
        {t('amountOptional')}
        <input name="amountRials" value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="numeric" dir="ltr" />
        <FieldError error={error} field="amountRials" />
      </label>
      <label>
        {t('title')}
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <FieldError error={error} field="title" />
      </label>
      <label>
        {t('releaseRule')}
        <select name="ruleKind" value={kind} onChange={(e) => setKind(e.target.value as RuleKind)}>
          {RULE_KINDS.map((k) => <option key={k} value={k}>{t(`rule_${k}`)}</option>)}
        </select>
        <FieldError error={error} field="releaseRule.kind" />
      </label>
      {kind === 'pro_rata' && (
        <label>
          {t('minInstallmentRials')}
          <input name="minInstallmentRials" value={minInstallment} onChange={(e) => setMinInstallment(e.target.value)} inputMode="numeric" dir="ltr" />
          <FieldError error={error} field="releaseRule.minInstallmentRials" />
        </label>
      )}
      {kind === 'banded' && (
        <fieldset className="bands">
          <legend>{t('bands')}</legend>
          <table>
            <thead><tr><th /><th>{t('fromPercent')}</th><th>{t('payPercent')}</th><th /></tr></thead>
            <tbody>
              {bands.map((b, i) => (
                <tr key={i} data-band={i}>
                  <td><Num value={i + 1} /></td>
                  <td>
                    <input name="fromPercent" type="number" min={0} max={100} step={1} value={b.fromPercent} onChange={(e) => setBand(i, 'fromPercent', e.target.value)} />
                    <FieldError error={error} field={`releaseRule.bands[${i}].fromPercent`} />
                  </td>
                  <td>
                    <input name="payPercent" type="number" min={0} max={100} step={1} value={b.payPercent} onChange={(e) => setBand(i, 'payPercent', e.target.value)} />
                    <FieldError error={error} field={`releaseRule.bands[${i}].payPercent`} />
                  </td>
                  <td>
                    <button type="button" className="remove-band" onClick={() => setBands(bands.filter((_, k) => k !== i))}>{t('remove')}</button>
                    <FieldError error={error} field={`releaseRule.bands[${i}]`} exact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="add-band" onClick={() => setBands([...bands, { fromPercent: '', payPercent: '' }])}>{t('addBand')}</button>
          <FieldError error={error} field="releaseRule.bands" exact />
        </fieldset>
      )}
      <label>
        {kind === 'banded' ? t('dueDate') : t('dueDateOptional')}
        <input name="dueAt" value={due} onChange={(e) => setDue(e.target.value)} placeholder={dateExample(lang)} dir="ltr" />
        <FieldError error={error} field="dueAt" />
      </label>
      <button type="submit" disabled={busy}>{t('createTranche')}</button>
      {created !== null && <span className="ok" data-created={created}>✓ {t('created')}: {t('tranche')} <Num value={created} /></span>}
      <FormError error={error} fields={['fundedItemIds', 'amountRials', 'title', 'releaseRule', 'dueAt', 'additionalGateItemIds']} />
    </form>
  );
}

export function ProjectPage({ id }: { id: string }) {
  const { t, lang, user } = useApp();
  const path = { params: { path: { id } } };
  const project = useLoad(() => call(client.GET('/api/projects/{id}', path)), [id]);
  const plan = useLoad(() => call(client.GET('/api/projects/{id}/action-plan', path)), [id]);
  const progress = useLoad(() => call(client.GET('/api/projects/{id}/progress', path)), [id]);
  const tranches = useLoad(() => call(client.GET('/api/projects/{id}/tranches', path)), [id]);
  // The public view carries which tranche funds each item; a confidential project falls back to the plan.
  const chain = useLoad(() => call(client.GET('/api/public/projects/{id}', path)), [id]);
  const fundedBy = new Map<string, number[]>((chain.data?.items ?? []).map((i) => [i.id, i.fundedByTranches ?? []]));
  const reloadTranches = () => {
    tranches.reload();
    chain.reload();
  };
  return (
    <div className="workspace" data-workspace="project">
      <Loading state={project}>{(p) => <ProjectSummary p={p} />}</Loading>
      <Loading state={plan}>
        {(pl) => (
          <Section title={t('actionChain')}>
            {/* A wide chain scrolls inside its box; focusable so the keyboard can scroll it too. */}
            <div className="scroll" tabIndex={0} role="region" aria-label={t('actionChain')}>
              <ActionChainGraph
                projectId={id}
                items={chain.data?.items?.length ? chain.data.items : pl.items}
                links={pl.links}
              />
            </div>
          </Section>
        )}
      </Loading>
      <PlanImport projectId={id} onDone={plan.reload} />
      <Loading state={progress}>
        {(pr) => (
          <Section title={t('progressChart')}>
            <ProgressChart items={plan.data?.items ?? []} declared={pr.declaredPercent} verified={pr.verifiedPercent} />
            <p>{t('planned')} <Percent value={pr.plannedPercent} /> · {t('declared')} <Percent value={pr.declaredPercent} /> · {t('verified')} <Percent value={pr.verifiedPercent} /></p>
            <h3>{t('byAgency')}</h3>
            <table><tbody>{pr.byAgency.map((a) => (
              <tr key={a.agency?.id}><td>{lang === 'fa' ? a.agency?.nameFa : a.agency?.nameEn}</td><td><Num value={a.weight} /></td><td><Percent value={a.verifiedPercent} /></td><td><Percent value={a.declaredPercent} /></td></tr>
            ))}</tbody></table>
          </Section>
        )}
      </Loading>
      <Loading state={tranches}>
        {(list) => (
          <Section title={t('trancheTimeline')}>
            {list.length === 0 && <p className="muted" role="status">{t('nothing')}</p>}
            <ol className="timeline">
              {list.map((x) => (
                <li key={x.id} data-tranche={x.number} data-state={x.state}>
                  <DateText value={x.stateChangedAt} time />
                  <TrancheCard tranche={x} onChange={reloadTranches} detailsOpen />
                </li>
              ))}
            </ol>
          </Section>
        )}
      </Loading>
      {user?.role === 'pbo' && plan.data && (
        <Section title={t('newTranche')} id="new-tranche">
          <NewTrancheForm projectId={id} items={plan.data.items.filter((i) => !i.removedAt)} fundedBy={fundedBy} onDone={reloadTranches} />
        </Section>
      )}
      <Challenges projectId={id} />
      {plan.data && project.data && (
        <PlanSection project={project.data} plan={plan.data} onChange={() => { plan.reload(); chain.reload(); }} />
      )}
    </div>
  );
}
