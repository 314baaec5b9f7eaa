import type { ReactNode } from 'react';
import {
  type PlanDiff as Diff,
  type PlanItemField,
  type PlanItemSnapshot,
  type PlanRequest,
  type PlanSnapshot,
  PLAN_ITEM_FIELDS,
  formatHundredths,
  proposalSnapshot,
} from '@pelekan/core';
import { api } from '../api';
import { useApp } from '../app-context';
import { digits, formatDate, formatMoney } from '../format';
import type { LabelKey } from '../i18n';
import { Loading, useLoad } from '../ui';
import './plan-editor.css';

/** An agency as the diff names owners. */
export interface AgencyName {
  id: string;
  nameFa: string;
  nameEn: string;
}

const COLUMNS: Record<PlanItemField, LabelKey> = {
  titleFa: 'pe_titleFa',
  titleEn: 'pe_titleEn',
  ownerAgencyId: 'pe_owner',
  weightHundredths: 'pe_weight',
  plannedStart: 'pe_start',
  plannedEnd: 'pe_end',
  budgetRials: 'pe_budget',
};

type RowStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/**
 * A plan before and after a revision, as one table: every item of the revised plan (added rows and
 * changed cells marked, each changed cell with its old and new value), the removed items after them,
 * then the links added and removed. Marks are words as well as colours, so they read without colour
 * and aloud. `diff` is the core's `diffPlans` (the server's, for a revision on file).
 */
export function PlanDiff({ after, diff, agencies }: { after: PlanSnapshot; diff: Diff; agencies: readonly AgencyName[] }) {
  const { t, lang, toman } = useApp();
  const added = new Set(diff.addedItems.map((i) => i.code));
  const changes = new Map(diff.changedItems.map((c) => [`${c.code}\u0000${c.field}`, c]));
  const changedCodes = new Set(diff.changedItems.map((c) => c.code));
  const agencyName = (id: string) => {
    const a = agencies.find((x) => x.id === id);
    return a ? (lang === 'fa' ? a.nameFa : a.nameEn) : id;
  };
  const show = (field: PlanItemField, value: string | number): string => {
    switch (field) {
      case 'ownerAgencyId':
        return agencyName(String(value));
      case 'weightHundredths':
        return digits(formatHundredths(Number(value)).replace(/\.00$/, ''), lang);
      case 'plannedStart':
      case 'plannedEnd':
        return formatDate(String(value), lang);
      case 'budgetRials':
        return formatMoney(String(value), lang, toman);
      default:
        return String(value);
    }
  };
  const rows: Array<{ item: PlanItemSnapshot; status: RowStatus }> = [
    ...after.items.map((item) => ({
      item,
      status: (added.has(item.code) ? 'added' : changedCodes.has(item.code) ? 'changed' : 'unchanged') as RowStatus,
    })),
    ...diff.removedItems.map((item) => ({ item, status: 'removed' as RowStatus })),
  ];
  const statusLabel: Record<RowStatus, LabelKey> = { added: 'pe_added', removed: 'pe_removed', changed: 'pe_changed', unchanged: 'pe_unchanged' };
  const cell = (item: PlanItemSnapshot, field: PlanItemField): ReactNode => {
    const change = changes.get(`${item.code}\u0000${field}`);
    if (!change) return <td key={field} data-field={field}>{show(field, item[field])}</td>;
    return (
      <td key={field} data-field={field} data-changed="true" className="changed">
        <del><span className="visually-hidden">{t('pe_beforeValue')} </span>{show(field, change.before)}</del>{' '}
        <ins><span className="visually-hidden">{t('pe_afterValue')} </span>{show(field, change.after)}</ins>
      </td>
    );
  };
  const link = (l: { from: string; to: string }) => `${digits(l.from, lang)} ← ${digits(l.to, lang)}`.replace('←', lang === 'fa' ? '←' : '→');
  const counts = [
    [diff.addedItems.length, 'pe_added'],
    [diff.changedItems.length > 0 ? changedCodes.size : 0, 'pe_changed'],
    [diff.removedItems.length, 'pe_removed'],
  ] as const;
  return (
    <div className="plan-diff">
      <p className="diff-summary">
        {counts.map(([n, key]) => (
          <span key={key} className={`badge diff-${key.slice(3)}`}>{t(key)}: {digits(n, lang)}</span>
        ))}
      </p>
      <div className="table-scroll" role="region" aria-label={t('pe_changes')} tabIndex={0}>
        <table className="diff plan-diff-table">
          <thead>
            <tr>
              <th scope="col">{t('pe_status')}</th>
              <th scope="col">{t('pe_code')}</th>
              {PLAN_ITEM_FIELDS.map((f) => <th key={f} scope="col">{t(COLUMNS[f])}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ item, status }) => (
              <tr key={`${status}-${item.code}`} className={status} data-code={item.code} data-status={status}>
                <td><span className={`badge diff-${status}`}>{t(statusLabel[status])}</span></td>
                <th scope="row">{digits(item.code, lang)}</th>
                {PLAN_ITEM_FIELDS.map((f) => (status === 'unchanged' || status === 'changed' ? cell(item, f) : <td key={f} data-field={f}>{status === 'removed' ? <del>{show(f, item[f])}</del> : <ins>{show(f, item[f])}</ins>}</td>))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {diff.addedLinks.length > 0 && (
        <p className="links-added">
          {t('pe_linksAdded')}:{' '}
          {diff.addedLinks.map((l) => <ins key={`${l.from}-${l.to}`} data-link={`${l.from}>${l.to}`}>{link(l)}</ins>)}
        </p>
      )}
      {diff.removedLinks.length > 0 && (
        <p className="links-removed">
          {t('pe_linksRemoved')}:{' '}
          {diff.removedLinks.map((l) => <del key={`${l.from}-${l.to}`} data-link={`${l.from}>${l.to}`}>{link(l)}</del>)}
        </p>
      )}
    </div>
  );
}

/** A plan revision as `GET /api/plan-revisions/:id` answers it (the parts the diff reads). */
export interface RevisionDetail {
  projectId: string;
  proposal: PlanRequest;
  diff: Diff;
}

/**
 * A revision on file, for the committee: the proposed plan with the server's diff against the plan
 * in force marked on it (an owner left out of the proposal is the project's lead agency).
 */
export function RevisionDiff({ revision }: { revision: RevisionDetail }) {
  const project = useLoad<{ leadAgencyId: string | null; agencies: AgencyName[] }>(() => api('GET', `/api/projects/${revision.projectId}`), [revision.projectId]);
  return (
    <Loading state={project}>
      {(found) => <PlanDiff after={proposalSnapshot(revision.proposal, found.leadAgencyId)} diff={revision.diff} agencies={found.agencies} />}
    </Loading>
  );
}
