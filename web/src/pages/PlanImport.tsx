/**
 * Excel in and out: the action-table template, a project's plan as XLSX, and an upload of a filled
 * table (XLSX or CSV) as the plan or as a revision. The server checks every row by the plan's own
 * rules; its refusal lists each problem by sheet, row and column, shown here in the user's language.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, session } from '../api';
import { useApp } from '../app-context';
import { digits } from '../format';

/** A problem of an uploaded table as the API answers it. */
interface SheetProblem {
  field: string;
  reason: string;
  reasonFa?: string;
  sheet?: string;
  row?: number | null;
  column?: string | null;
}

interface ImportAnswer {
  items?: unknown[];
  number?: number;
}

/** A protected XLSX download: fetched with the session's token, then saved under `filename`. */
export function DownloadLink({ path, filename, label }: { path: string; filename: string; label: string }) {
  const { t } = useApp();
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setFailed(false);
    try {
      const response = await fetch(path, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
      if (!response.ok) throw new Error(String(response.status));
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setFailed(true);
    }
  };
  return (
    <span className="download">
      <button type="button" className="link" onClick={() => void download()} data-download={filename}>
        {label}
      </button>
      {failed && <span role="alert" className="error"> {t('excelDownloadFailed')}</span>}
    </span>
  );
}

/** The pipeline and ledger exports (the PBO page). */
export function ExportLinks({ kind }: { kind: 'pipeline' | 'ledger' }) {
  const { t } = useApp();
  return kind === 'pipeline' ? (
    <p><DownloadLink path="/api/tranches.xlsx" filename="pelekan-tranches.xlsx" label={t('excelExportPipeline')} /></p>
  ) : (
    <p><DownloadLink path="/api/ledger/entries.xlsx" filename="pelekan-ledger.xlsx" label={t('excelExportLedger')} /></p>
  );
}

function send(projectId: string, form: FormData, onProgress: (fraction: number) => void): Promise<ImportAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/action-plan/import`);
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { code?: string; message?: string; errors?: SheetProblem[] } & ImportAnswer = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { message: xhr.statusText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body.code ?? 'error', body.message ?? xhr.statusText, body.errors ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection failed'));
    xhr.send(form);
  });
}

/** Template, export and import of a project's action table; `onDone` reloads the plan after a filing. */
export function PlanImport({ projectId, onDone }: { projectId: string; onDone?: () => void }) {
  const { t, lang, user } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [as, setAs] = useState<'plan' | 'revision'>('plan');
  const [reason, setReason] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [problems, setProblems] = useState<SheetProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mayImport = user?.role === 'agency' || user?.role === 'admin';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    setFailure(null);
    setDone(null);
    if (!file) {
      setFailure(t('excelChooseFile'));
      return;
    }
    const form = new FormData();
    form.append('as', as);
    if (as === 'revision') form.append('reason', reason);
    form.append('file', file);
    setProgress(0);
    try {
      const answer = await send(projectId, form, setProgress);
      setDone(
        as === 'plan'
          ? `${t('excelPlanSaved')} ${digits(answer.items?.length ?? 0, lang)}`
          : `${t('excelRevisionSaved')} ${digits(answer.number ?? '', lang)}`,
      );
      onDone?.();
    } catch (error) {
      const found = error instanceof ApiError ? (error.errors as SheetProblem[]) : [];
      if (found.length > 0) setProblems(found);
      else setFailure(`${t('excelFailed')} ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setProgress(null);
    }
  };

  return (
    <section className="card" id="plan-import" aria-labelledby="plan-import-title">
      <h2 id="plan-import-title">{t('excelTitle')}</h2>
      <p>
        <DownloadLink path="/api/action-plans/template.xlsx" filename="pelekan-action-table.xlsx" label={t('excelTemplate')} />
        {' · '}
        <DownloadLink path={`/api/projects/${projectId}/action-plan.xlsx`} filename="action-plan.xlsx" label={t('excelExportPlan')} />
      </p>
      {mayImport && (
        <form onSubmit={(e) => void submit(e)} data-form="plan-import">
          <label>
            {t('excelFile')}
            <input
              type="file"
              name="file"
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <fieldset>
            <legend>{t('excelImportAs')}</legend>
            <label>
              <input type="radio" name="as" value="plan" checked={as === 'plan'} onChange={() => setAs('plan')} /> {t('excelAsPlan')}
            </label>
            <label>
              <input type="radio" name="as" value="revision" checked={as === 'revision'} onChange={() => setAs('revision')} /> {t('excelAsRevision')}
            </label>
          </fieldset>
          {as === 'revision' && (
            <label>
              {t('excelReason')}
              <textarea name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
          <button type="submit" disabled={progress !== null}>
            {progress === null ? t('excelUpload') : t('excelUploading')}
          </button>
          {progress !== null && <progress max={1} value={progress} aria-label={t('excelUploading')} />}
        </form>
      )}
      {failure && <p role="alert" className="error">{failure}</p>}
      {done && <p role="status" className="ok" data-import-done>{done}</p>}
      {problems.length > 0 && (
        <div role="alert" data-import-errors>
          <p className="error">{t('excelErrorsTitle')}</p>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th>{t('excelSheet')}</th>
                  <th>{t('excelRow')}</th>
                  <th>{t('excelColumn')}</th>
                  <th>{t('excelReasonCol')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i} data-row={p.row ?? ''} data-column={p.column ?? ''}>
                    <td>{p.sheet ?? ''}</td>
                    <td>{p.row == null ? '' : digits(p.row, lang)}</td>
                    <td>{p.column ?? ''}</td>
                    <td>{lang === 'fa' ? (p.reasonFa ?? p.reason) : p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
