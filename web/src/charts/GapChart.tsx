import { useApp } from '../app-context';
import { formatPercent } from '../format';
import { ChartFrame, ChartPatterns, useWidth } from './frame';

export interface GapRow {
  key: string;
  label: string;
  /** Percent 0..100; null: no figure. */
  selfDeclared: number | null;
  verified: number | null;
  href?: string;
}

const LABEL = 18;
const BAR = 11;
const ROW = LABEL + 2 * BAR + 14;
const TOP = 30;
const AXIS = 22;
const PAD = 8;
const VALUE = 52;

/**
 * Self-declared against verified progress as paired horizontal bars, one pair a row: hatched for what
 * was declared, solid for what was verified, each with its value written beside it. Right to left in
 * Persian (zero at the right, the axis mirrored, Persian digits).
 */
export function GapChart({ id, title, description, rows, nameHeader }: { id: string; title: string; description: string; rows: GapRow[]; nameHeader: string }) {
  const { t, lang } = useApp();
  const { ref, width } = useWidth();
  const rtl = lang === 'fa';
  const plot = width - 2 * PAD - VALUE;
  const length = (v: number) => (Math.max(0, Math.min(100, v)) / 100) * plot;
  // Where a bar of value v starts and ends, mirrored in Persian.
  const start = rtl ? width - PAD : PAD;
  const at = (v: number) => (rtl ? start - length(v) : start + length(v));
  const height = TOP + rows.length * ROW + AXIS;
  const chars = Math.max(12, Math.floor((width - 2 * PAD) / 7.5));
  const short = (s: string) => (s.length > chars ? `${s.slice(0, chars - 1)}…` : s);
  const anchor = rtl ? 'end' : 'start';
  const valueAnchor = rtl ? 'end' : 'start';
  const bar = (kind: 'selfDeclared' | 'verified', v: number | null, y: number) =>
    v === null ? (
      <text x={start} y={y + BAR - 1} fontSize="11" textAnchor={anchor} fill="#37474f">{t('portal_noFigure')}</text>
    ) : (
      <>
        <rect
          data-bar={kind}
          x={rtl ? at(v) : start}
          y={y}
          width={length(v)}
          height={BAR}
          fill={kind === 'selfDeclared' ? `url(#${id}-hatch)` : '#1b5e20'}
          stroke={kind === 'selfDeclared' ? '#8d4f00' : '#1b5e20'}
        >
          <title>{`${kind === 'selfDeclared' ? t('portal_legendSelfDeclared') : t('portal_legendVerified')}: ${formatPercent(v, lang)}`}</title>
        </rect>
        <text x={rtl ? at(v) - 4 : at(v) + 4} y={y + BAR - 1} fontSize="11" textAnchor={valueAnchor} fill="#000">
          {formatPercent(v, lang)}
        </text>
      </>
    );
  const table = (
    <table>
      <thead>
        <tr><th scope="col">{nameHeader}</th><th scope="col">{t('portal_legendSelfDeclared')}</th><th scope="col">{t('portal_legendVerified')}</th><th scope="col">{t('portal_fig_gap')}</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td>{formatPercent(r.selfDeclared, lang)}</td>
            <td>{formatPercent(r.verified, lang)}</td>
            <td>{r.selfDeclared === null || r.verified === null ? '—' : formatPercent(Math.round((r.selfDeclared - r.verified) * 100) / 100, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFrame id={id} title={title} description={description} table={table}>
      <div ref={ref} className="chart-canvas">
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role={rows.some((r) => r.href) ? 'group' : 'img'} aria-labelledby={`${id}-svg-title ${id}-svg-desc`} data-rows={rows.length} style={{ direction: 'ltr' }}>
          <title id={`${id}-svg-title`}>{title}</title>
          <desc id={`${id}-svg-desc`}>{description}</desc>
          <ChartPatterns id={id} />
          <g className="legend" fontSize="12">
            <rect x={rtl ? width - PAD - 14 : PAD} y="6" width="14" height="12" fill={`url(#${id}-hatch)`} stroke="#8d4f00" />
            <text x={rtl ? width - PAD - 20 : PAD + 20} y="16" textAnchor={anchor}>{t('portal_legendSelfDeclared')}</text>
            <rect x={rtl ? width / 2 - 14 : width / 2} y="6" width="14" height="12" fill="#1b5e20" />
            <text x={rtl ? width / 2 - 20 : width / 2 + 20} y="16" textAnchor={anchor}>{t('portal_legendVerified')}</text>
          </g>
          {[0, 25, 50, 75, 100].map((tick) => (
            <g key={tick}>
              <line x1={at(tick)} x2={at(tick)} y1={TOP} y2={height - AXIS + 4} stroke="#b0bec5" strokeDasharray="2 3" />
              <text x={at(tick)} y={height - 6} fontSize="10" textAnchor="middle" fill="#000">{formatPercent(tick, lang)}</text>
            </g>
          ))}
          {rows.map((r, n) => {
            const y = TOP + n * ROW;
            const label = r.href ? (
              <a href={r.href}>
                <text x={start} y={y + 13} fontSize="12" textAnchor={anchor} fill="#0d47a1" textDecoration="underline">{short(r.label)}</text>
              </a>
            ) : (
              <text x={start} y={y + 13} fontSize="12" textAnchor={anchor} fill="#000">{short(r.label)}</text>
            );
            return (
              <g key={r.key} data-row={r.key}>
                <title>{r.label}</title>
                {label}
                {bar('selfDeclared', r.selfDeclared, y + LABEL)}
                {bar('verified', r.verified, y + LABEL + BAR + 2)}
              </g>
            );
          })}
        </svg>
      </div>
    </ChartFrame>
  );
}
