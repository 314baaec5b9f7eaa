import { useEffect, useMemo, useRef, useState } from 'react';
import {
  type ChainLink,
  type MoneyUnit,
  type PlanDraftRow,
  diffPlans,
  draftLinks,
  draftToRequest,
  groupDigits,
  isEmptyDiff,
  planLinkCycle,
  planSnapshot,
  proposalSnapshot,
  rialsInUnit,
  typedAmountToRials,
  weightTotal,
  weightToHundredths,
} from '@pelekan/core';
import { api, ApiError, type FieldError as ApiFieldError } from '../api';
import { useApp } from '../app-context';
import { digits } from '../format';
import type { LabelKey, Lang } from '../i18n';
import { FormError } from '../ui';
import { DatePicker } from './DatePicker';
import { LinkPicker } from './LinkPicker';
import { type AgencyName, PlanDiff } from './PlanDiff';
import './plan-editor.css';

/** The parts of the API's views the editor reads. */
export interface EditorPlanItem {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgency: { id: string };
  weight: number;
  plannedStart: string;
  plannedEnd: string;
  budgetRials: string;
}
export interface EditorPlanLink {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectId: string;
  toProjectId: string;
  fromProjectCode: string;
  toProjectCode: string;
}
export interface EditorPlan {
  items: EditorPlanItem[];
  links: EditorPlanLink[];
}
export interface EditorProject {
  id: string;
  leadAgencyId: string | null;
  agencies: Array<AgencyName & { role: string }>;
}

/** An amount in the table's unit, as the reader writes numbers (grouped; Persian digits in Persian). */
const amountText = (rials: string, unit: MoneyUnit, lang: Lang) => digits(groupDigits(rialsInUnit(rials, unit), lang === 'fa' ? '٬' : ','), lang);

let fresh = 0;
const newKey = () => `new-${++fresh}`;

function rowsOf(plan: EditorPlan, projectId: string, unit: MoneyUnit, lang: Lang): PlanDraftRow[] {
  const own = plan.links.filter((l) => l.fromProjectId === projectId && l.toProjectId === projectId);
  return plan.items.map((i) => ({
    key: i.id,
    code: i.code,
    titleFa: i.titleFa,
    titleEn: i.titleEn,
    ownerAgencyId: i.ownerAgency.id,
    weight: digits(String(i.weight), lang),
    plannedStart: new Date(i.plannedStart).toISOString(),
    plannedEnd: new Date(i.plannedEnd).toISOString(),
    budget: amountText(String(i.budgetRials), unit, lang),
    predecessors: own.filter((l) => l.toItemId === i.id).map((l) => l.fromItemId),
  }));
}

/**
 * The action table (جدول اقدامات اجرایی) as an editable table: the agency files its first plan or
 * proposes a revision (with a reason, the changes shown against the plan in force before sending).
 * Weights must sum to exactly 100 before it can be sent; links are picked per item and refused as they
 * are made when they would close a cycle (the server's rule, through other projects too); the
 * server's refusals show next to the cell they name (`items[3].weight`).
 */
export function PlanEditor({
  project,
  plan,
  mode,
  blockedBy,
  onDone,
}: {
  project: EditorProject;
  plan: EditorPlan;
  mode: 'first' | 'revision';
  /** Why nothing may be sent now (a revision awaiting the committee). */
  blockedBy?: string;
  onDone(): void;
}) {
  const { t, lang, toman } = useApp();
  const unit: MoneyUnit = toman ? 'toman' : 'rials';
  const [rows, setRows] = useState<PlanDraftRow[]>(() => rowsOf(plan, project.id, unit, lang));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<ApiFieldError[]>([]);
  const [formError, setFormError] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<{ key: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submitted = useRef(false);

  // The app's toman toggle: the budgets typed so far are converted exactly into the new unit.
  const shownUnit = useRef(unit);
  useEffect(() => {
    if (shownUnit.current === unit) return;
    const from = shownUnit.current;
    shownUnit.current = unit;
    setRows((rs) => rs.map((r) => {
      const rials = typedAmountToRials(r.budget, from);
      return rials === null ? r : { ...r, budget: amountText(rials, unit, lang) };
    }));
  }, [unit, lang]);

  const lead = project.leadAgencyId;
  const agencies = project.agencies;
  const total = weightTotal(rows.map((r) => r.weight));
  const converted = useMemo(() => draftToRequest(rows, unit), [rows, unit]);
  const linksByIndex = useMemo(() => draftLinks(rows), [rows]);

  // Links with an end in another project: a new link may close a cycle through them.
  const external: ChainLink[] = useMemo(
    () => plan.links.filter((l) => l.fromProjectId !== project.id || l.toProjectId !== project.id).map((l) => ({ from: l.fromItemId, to: l.toItemId })),
    [plan.links, project.id],
  );
  const nodeName = (key: string) => {
    const row = rows.find((r) => r.key === key);
    if (row) return digits(row.code, lang);
    const l = plan.links.find((x) => x.fromItemId === key || x.toItemId === key);
    if (!l) return key;
    return l.fromItemId === key ? `${l.fromProjectCode}:${digits(l.from, lang)}` : `${l.toProjectCode}:${digits(l.to, lang)}`;
  };

  const edit = (key: string, patch: Partial<PlanDraftRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  /** A change of the table's shape: the server's refusals named rows by position, so they no longer apply. */
  const reshape = (next: PlanDraftRow[]) => {
    setRows(next);
    setErrors([]);
    setRefusal(null);
  };
  const addRow = () =>
    reshape([...rows, { key: newKey(), code: '', titleFa: '', titleEn: '', ownerAgencyId: lead ?? '', weight: '', plannedStart: '', plannedEnd: '', budget: '', predecessors: [] }]);
  const removeRow = (key: string) => reshape(rows.filter((r) => r.key !== key).map((r) => ({ ...r, predecessors: r.predecessors.filter((p) => p !== key) })));
  const moveRow = (index: number, by: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + by, 0, row);
    reshape(next);
  };
  const toggleLink = (row: PlanDraftRow, pred: string, on: boolean) => {
    if (!on) {
      edit(row.key, { predecessors: row.predecessors.filter((p) => p !== pred) });
      setRefusal(null);
      return;
    }
    const links = rows.flatMap((r) => r.predecessors.map((p) => ({ from: p, to: r.key })));
    const cycle = planLinkCycle([...links, { from: pred, to: row.key }], external, new Set(rows.map((r) => r.key)));
    if (cycle) {
      setRefusal({ key: row.key, text: `${t('pe_cycle')} ${cycle.map(nodeName).join(lang === 'fa' ? ' ← ' : ' → ')}` });
      return;
    }
    setRefusal(null);
    edit(row.key, { predecessors: [...row.predecessors, pred] });
  };

  // The plan in force and the proposal, compared by the core's rule (what the committee will see).
  const before = useMemo(
    () =>
      planSnapshot(
        plan.items.map((i) => ({
          code: i.code,
          titleFa: i.titleFa,
          titleEn: i.titleEn,
          ownerAgencyId: i.ownerAgency.id,
          weightHundredths: weightToHundredths(i.weight),
          plannedStart: new Date(i.plannedStart),
          plannedEnd: new Date(i.plannedEnd),
          budgetRials: BigInt(i.budgetRials),
        })),
        plan.links.filter((l) => l.fromProjectId === project.id && l.toProjectId === project.id).map((l) => ({ from: l.from, to: l.to })),
      ),
    [plan, project.id],
  );
  const comparison = useMemo(() => {
    if (mode !== 'revision' || converted.problems.length > 0) return null;
    try {
      const after = proposalSnapshot(converted.request, lead);
      return { after, diff: diffPlans(before, after) };
    } catch {
      return null;
    }
  }, [mode, converted, before, lead]);

  const reasonsBlocking: string[] = [];
  if (!total.complete) reasonsBlocking.push(`${t('pe_weightMust')} ${t('pe_weightSum')}: ${digits((total.hundredths / 100).toString(), lang)}`);
  if (total.unreadable > 0) reasonsBlocking.push(t('pe_weightUnreadable'));
  if (rows.length === 0) reasonsBlocking.push(t('pe_addItem'));
  if (blockedBy) reasonsBlocking.push(blockedBy);

  /**
   * The reason for a cell: the server's refusal, else the cell the table cannot read: at once when
   * something unreadable was typed, for a cell left empty once sending was tried.
   */
  const problemOf = (field: string): string | undefined => {
    const server = errors.find((e) => e.field === field || e.field.startsWith(`${field}.`));
    if (server) return server.reason;
    const local = converted.problems.find((p) => p.field === field);
    if (!local) return undefined;
    const index = Number(/^items\[(\d+)\]/.exec(field)?.[1]);
    const typed = local.reason === 'weight' ? rows[index]?.weight : local.reason === 'budget' ? rows[index]?.budget : '';
    return submitted.current || typed?.trim() ? t(`pe_bad_${local.reason}` as LabelKey) : undefined;
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    submitted.current = true;
    setFormError(null);
    setDone(false);
    if (reasonsBlocking.length > 0) return;
    if (converted.problems.length > 0) {
      setErrors([]);
      return;
    }
    setBusy(true);
    try {
      if (mode === 'revision') await api('POST', `/api/projects/${project.id}/plan-revisions`, { reason, ...converted.request });
      else await api('PUT', `/api/projects/${project.id}/action-plan`, converted.request);
      setErrors([]);
      setDone(true);
      onDone();
    } catch (err) {
      setErrors(err instanceof ApiError ? err.errors : []);
      setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const Cell = ({ field }: { field: string }) => {
    const reason = problemOf(field);
    return reason ? <div className="field-error" role="alert" data-field={field}>{reason}</div> : null;
  };
  const tableFields = ['items', 'links'];
  const blockId = 'plan-editor-blocked';
  const itemName = (r: PlanDraftRow, i: number) => `${t('pe_of')} ${digits(r.code || String(i + 1), lang)}`;

  return (
    <form className="plan-editor" onSubmit={submit} noValidate>
      <div className="table-scroll" role="region" aria-label={t('pe_table')} tabIndex={0}>
        <table className="plan-table">
          <caption className="visually-hidden">{t('pe_table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pe_row')}</th>
              <th scope="col">{t('pe_code')}</th>
              <th scope="col">{t('pe_titleFa')}</th>
              <th scope="col">{t('pe_titleEn')}</th>
              <th scope="col">{t('pe_owner')}</th>
              <th scope="col">{t('pe_weight')}</th>
              <th scope="col">{t('pe_start')}</th>
              <th scope="col">{t('pe_end')}</th>
              <th scope="col">{t('pe_budget')} ({t(unit)})</th>
              <th scope="col">{t('pe_predecessors')}</th>
              <th scope="col">{t('pe_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const f = (name: string) => `items[${i}].${name}`;
              const name = itemName(r, i);
              const linkErrors = linksByIndex.map((l, j) => (l.rowKey === r.key ? j : -1)).filter((j) => j >= 0);
              return (
                <tr key={r.key} data-row={i} data-code={r.code}>
                  <td><span className="row-number">{digits(i + 1, lang)}</span></td>
                  <td>
                    <input className="code" name="code" aria-label={`${t('pe_code')} — ${t('pe_row')} ${digits(i + 1, lang)}`} value={r.code} dir="ltr" size={5}
                      aria-invalid={!!problemOf(f('code')) || undefined} onChange={(e) => edit(r.key, { code: e.target.value })} />
                    <Cell field={f('code')} />
                  </td>
                  <td>
                    <input name="titleFa" aria-label={`${t('pe_titleFa')} — ${name}`} value={r.titleFa} dir="rtl" lang="fa"
                      aria-invalid={!!problemOf(f('titleFa')) || undefined} onChange={(e) => edit(r.key, { titleFa: e.target.value })} />
                    <Cell field={f('titleFa')} />
                  </td>
                  <td>
                    <input name="titleEn" aria-label={`${t('pe_titleEn')} — ${name}`} value={r.titleEn} dir="ltr" lang="en"
                      aria-invalid={!!problemOf(f('titleEn')) || undefined} onChange={(e) => edit(r.key, { titleEn: e.target.value })} />
                    <Cell field={f('titleEn')} />
                  </td>
                  <td>
                    <select name="ownerAgencyId" aria-label={`${t('pe_owner')} — ${name}`} value={r.ownerAgencyId}
                      aria-invalid={!!problemOf(f('ownerAgencyId')) || undefined} onChange={(e) => edit(r.key, { ownerAgencyId: e.target.value })}>
                      {!r.ownerAgencyId && <option value="">{t('pe_leadDefault')}</option>}
                      {agencies.map((a) => <option key={a.id} value={a.id}>{lang === 'fa' ? a.nameFa : a.nameEn}</option>)}
                    </select>
                    <Cell field={f('ownerAgencyId')} />
                  </td>
                  <td>
                    <input name="weight" className="weight" aria-label={`${t('pe_weight')} — ${name}`} value={r.weight} inputMode="decimal" dir="ltr" size={5}
                      aria-invalid={!!problemOf(f('weight')) || undefined} onChange={(e) => edit(r.key, { weight: e.target.value })} />
                    <Cell field={f('weight')} />
                  </td>
                  <td>
                    <DatePicker name="plannedStart" label={`${t('pe_start')} — ${name}`} value={r.plannedStart} invalid={!!problemOf(f('plannedStart'))}
                      onChange={(iso) => edit(r.key, { plannedStart: iso })} />
                    <Cell field={f('plannedStart')} />
                  </td>
                  <td>
                    <DatePicker name="plannedEnd" label={`${t('pe_end')} — ${name}`} value={r.plannedEnd} invalid={!!problemOf(f('plannedEnd'))}
                      onChange={(iso) => edit(r.key, { plannedEnd: iso })} />
                    <Cell field={f('plannedEnd')} />
                  </td>
                  <td>
                    <input name="budget" className="budget" aria-label={`${t('pe_budget')} (${t(unit)}) — ${name}`} value={r.budget} inputMode="numeric" dir="ltr" size={14}
                      aria-invalid={!!problemOf(f('budgetRials')) || undefined} onChange={(e) => edit(r.key, { budget: e.target.value })} />
                    <Cell field={f('budgetRials')} />
                  </td>
                  <td className="preds">
                    <LinkPicker
                      label={`${t('pe_predecessors')} — ${name}`}
                      options={rows.filter((o) => o.key !== r.key).map((o) => ({ key: o.key, code: o.code, title: lang === 'fa' ? o.titleFa : o.titleEn }))}
                      selected={r.predecessors}
                      onToggle={(key, on) => toggleLink(r, key, on)}
                      refusal={refusal?.key === r.key ? refusal.text : null}
                    />
                    {linkErrors.map((j) => <Cell key={j} field={`links[${j}]`} />)}
                  </td>
                  <td className="row-actions">
                    <button type="button" className="move-up" disabled={i === 0} onClick={() => moveRow(i, -1)} aria-label={`${t('pe_moveUp')} — ${name}`}>
                      <span aria-hidden="true">▲</span>
                    </button>
                    <button type="button" className="move-down" disabled={i === rows.length - 1} onClick={() => moveRow(i, 1)} aria-label={`${t('pe_moveDown')} — ${name}`}>
                      <span aria-hidden="true">▼</span>
                    </button>
                    <button type="button" className="danger remove-row" onClick={() => removeRow(r.key)} aria-label={`${t('pe_removeItem')} — ${name}`}>
                      <span aria-hidden="true">✕</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>{t('pe_weightSum')}</th>
              <td colSpan={6}>
                <output className={`weight-sum ${total.complete ? 'ok' : 'short'}`} data-hundredths={total.hundredths} aria-live="polite">
                  {digits((total.hundredths / 100).toString(), lang)} / {digits(100, lang)} — {total.complete ? t('pe_weightOk') : t('pe_weightMust')}
                </output>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <button type="button" className="add-row" onClick={addRow}>{t('pe_addItem')}</button>
      {errors.filter((e) => e.field === 'items' || e.field === 'links').map((e, k) => (
        <div key={k} className="field-error" role="alert" data-field={e.field}>{e.reason}</div>
      ))}

      {mode === 'revision' && (
        <section className="plan-changes" aria-labelledby="plan-changes-title">
          <h3 id="plan-changes-title">{t('pe_changes')}</h3>
          {!comparison ? <p className="muted">{t('pe_fixCells')}</p>
            : isEmptyDiff(comparison.diff) ? <p className="muted">{t('pe_noChanges')}</p>
            : <PlanDiff after={comparison.after} diff={comparison.diff} agencies={agencies} />}
          <label>
            {t('pe_reason')}
            <textarea name="reason" value={reason} rows={2} onChange={(e) => setReason(e.target.value)} aria-invalid={!!problemOf('reason') || undefined} />
            <Cell field="reason" />
          </label>
        </section>
      )}

      <div className="submit-line">
        <button type="submit" className="submit-plan" disabled={busy || reasonsBlocking.length > 0} aria-describedby={reasonsBlocking.length ? blockId : undefined}>
          {mode === 'revision' ? t('pe_submitRevision') : t('pe_fileFirst')}
        </button>
        {reasonsBlocking.length > 0 && (
          <span id={blockId} className="blocked-reason">{t('pe_submitBlocked')} {reasonsBlocking.join(' ')}</span>
        )}
        {busy && <progress aria-label={t('pe_submitRevision')} />}
        {done && <span className="ok" role="status" data-sent="true">✓ {mode === 'revision' ? t('pe_sent') : t('pe_filed')}</span>}
      </div>
      {converted.problems.length > 0 && submitted.current && <div className="form-error" role="alert">{t('pe_fixCells')}</div>}
      <FormError error={formError} fields={['reason', ...tableFields]} />
    </form>
  );
}
