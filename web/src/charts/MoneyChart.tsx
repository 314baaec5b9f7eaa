import { useApp } from '../app-context';
import { formatMoney, formatPercent } from '../format';
import { ChartFrame, useWidth } from './frame';

export interface MoneyRow {
  key: string;
  label: string;
  /** Whole rials as decimal strings. */
  budgetRials: string;
  releasedRials: string;
}

const ROW = 46;
const TOP = 30;
const PAD = 8;
const BAR = 14;

/** Hundredths of a percent of `part` in `whole`, exactly (bigint), for the label; null without a whole. */
function share(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  return Number((part * 10_000n) / whole) / 100;
}

/**
 * Released against budget, one row per group: the frame of a bar is the budget, its solid part what
 * was released, the share written beside it. Bars are scaled to the largest budget. Mirrored in Persian.
 */
export function MoneyChart({ id, title, description, rows, nameHeader }: { id: string; title: string; description: string; rows: MoneyRow[]; nameHeader: string }) {
  const { t, lang, toman } = useApp();
  const { ref, width } = useWidth();
  const rtl = lang === 'fa';
  const max = rows.reduce((m, r) => (BigInt(r.budgetRials) > m ? BigInt(r.budgetRials) : m), 0n);
  const plot = width - 2 * PAD - 60;
  const length = (rials: bigint) => (max === 0n ? 0 : (Number((rials * 100_000n) / max) / 100_000) * plot);
  const start = rtl ? width - PAD : PAD;
  const anchor = rtl ? 'end' : 'start';
  const height = TOP + rows.length * ROW;
  const table = (
    <table>
      <thead>
        <tr><th scope="col">{nameHeader}</th><th scope="col">{t('portal_legendBudget')}</th><th scope="col">{t('portal_legendReleased')}</th><th scope="col">%</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td>{formatMoney(r.budgetRials, lang, toman)}</td>
            <td>{formatMoney(r.releasedRials, lang, toman)}</td>
            <td>{formatPercent(share(BigInt(r.releasedRials), BigInt(r.budgetRials)), lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFrame id={id} title={title} description={description} table={table}>
      <div ref={ref} className="chart-canvas">
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-svg-title ${id}-svg-desc`} style={{ direction: 'ltr' }}>
          <title id={`${id}-svg-title`}>{title}</title>
          <desc id={`${id}-svg-desc`}>{description}</desc>
          <g className="legend" fontSize="12">
            <rect x={rtl ? width - PAD - 14 : PAD} y="6" width="14" height="12" fill="#fff" stroke="#000" />
            <text x={rtl ? width - PAD - 20 : PAD + 20} y="16" textAnchor={anchor}>{t('portal_legendBudget')}</text>
            <rect x={rtl ? width / 2 - 14 : width / 2} y="6" width="14" height="12" fill="#0d3b66" />
            <text x={rtl ? width / 2 - 20 : width / 2 + 20} y="16" textAnchor={anchor}>{t('portal_legendReleased')}</text>
          </g>
          {rows.map((r, n) => {
            const y = TOP + n * ROW;
            const budget = BigInt(r.budgetRials);
            const released = BigInt(r.releasedRials);
            const b = length(budget);
            const x = length(released > budget ? budget : released);
            const pct = share(released, budget);
            return (
              <g key={r.key} data-row={r.key}>
                <text x={start} y={y + 13} fontSize="12" textAnchor={anchor} fill="#000">{r.label}</text>
                {budget === 0n ? (
                  <text x={start} y={y + 32} fontSize="11" textAnchor={anchor} fill="#37474f">{t('portal_noBudget')}</text>
                ) : (
                  <>
                    <rect data-bar="budget" x={rtl ? start - b : start} y={y + 20} width={b} height={BAR} fill="#fff" stroke="#000" />
                    <rect data-bar="released" x={rtl ? start - x : start} y={y + 20} width={x} height={BAR} fill="#0d3b66" />
                    <text x={rtl ? start - b - 4 : start + b + 4} y={y + 31} fontSize="11" textAnchor={anchor} fill="#000">{formatPercent(pct, lang)}</text>
                  </>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </ChartFrame>
  );
}
