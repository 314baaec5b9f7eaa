/**
 * The confirmation before money moves: a modal dialog naming the tranche, the project, the agency and
 * the amount. A native <dialog> opened with showModal(): the rest of the page is inert, Tab and
 * Shift+Tab cycle inside it, Escape cancels, focus starts on "cancel" (the safe choice) and returns to
 * the button that opened it when it closes. Labelled by its title, described by its summary.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { call, client, type Schema } from './api';
import { useApp } from './app-context';
import { digits } from './format';
import { FormError, Money } from './ui';

type Tranche = Schema<'TrancheSummaryView'>;

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy = false }: {
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  busy?: boolean;
}) {
  const { t } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      opener?.focus();
    };
  }, []);
  // Tab stays inside (showModal makes the page inert, but the browser's own chrome is next otherwise).
  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      aria-modal="true"
      onKeyDown={onKeyDown}
      // Escape (the dialog's cancel event) closes it as "cancel".
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <div className="confirm-actions">
        <button type="button" ref={cancelRef} onClick={onCancel} data-testid="confirm-cancel">{t('cancel')}</button>
        <button type="button" className="approve" onClick={onConfirm} disabled={busy} data-testid="confirm-approve">{confirmLabel}</button>
      </div>
    </dialog>
  );
}

/** Approving a tranche: its number and title, its project, the agencies it pays and the amount. */
export function ConfirmApprove({ tranche, onConfirm, onCancel }: { tranche: Tranche; onConfirm(): Promise<void> | void; onCancel(): void }) {
  const { t, lang } = useApp();
  const [busy, setBusy] = useState(false);
  const [facts, setFacts] = useState<{ detail: Schema<'TrancheView'>; project: Schema<'ProjectView'> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([
      call(client.GET('/api/tranches/{id}', { params: { path: { id: tranche.id } } })),
      call(client.GET('/api/projects/{id}', { params: { path: { id: tranche.projectId } } })),
    ]).then(([detail, project]) => setFacts({ detail, project }), setError);
  }, [tranche.id, tranche.projectId]);
  const name = (o: { nameFa: string; nameEn: string }) => (lang === 'fa' ? o.nameFa : o.nameEn);
  // The agencies the tranche pays (its allocations), else the project's lead agency.
  const agencies = facts
    ? facts.detail.allocations.length > 0
      ? facts.detail.allocations.map(name)
      : facts.project.leadAgency
        ? [name(facts.project.leadAgency)]
        : []
    : [];
  return (
    <ConfirmDialog
      title={t('confirmApproveTitle')}
      confirmLabel={t('confirmApprove')}
      busy={busy || !facts}
      onCancel={onCancel}
      onConfirm={() => {
        setBusy(true);
        void Promise.resolve(onConfirm()).finally(() => setBusy(false));
      }}
    >
      <p>{t('confirmApproveLead')}</p>
      <dl className="confirm-facts" data-tranche={tranche.number}>
        <dt>{t('tranche')}</dt>
        <dd data-fact="tranche">{digits(tranche.number, lang)}{tranche.title && <> — <span data-i18n-exempt="data">{tranche.title}</span></>}</dd>
        <dt>{t('confirmProject')}</dt>
        <dd data-fact="project">{facts ? <><bdi data-i18n-exempt="code">{facts.project.code}</bdi> — {name(facts.project)}</> : t('loadingText')}</dd>
        <dt>{t('confirmAgency')}</dt>
        <dd data-fact="agency">{facts ? (agencies.length ? agencies.join(lang === 'fa' ? '، ' : ', ') : t('unknownAgency')) : t('loadingText')}</dd>
        <dt>{t('confirmAmount')}</dt>
        <dd data-fact="amount"><strong><Money rials={tranche.amountRials} /></strong></dd>
      </dl>
      <FormError error={error} />
    </ConfirmDialog>
  );
}
