import { useApp } from './app-context';
import { digits } from './format';

export interface GraphItem {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  declaredPercent: number;
  fundedByTranches?: number[] | null;
}

export interface GraphLink {
  fromItemId: string;
  toItemId: string;
  from: string;
  to: string;
  fromProjectCode?: string;
  toProjectCode?: string;
  fromProjectId?: string;
  toProjectId?: string;
}

const W = 150;
const H = 58;
const GAP_X = 60;
const GAP_Y = 22;

/**
 * The action chain as a layered graph: each item in the column of its longest path from a source,
 * links as arrows, items of other projects (prerequisites) dashed, colour by verification state.
 */
export function ActionChainGraph({ items, links, projectId }: { items: GraphItem[]; links: GraphLink[]; projectId: string }) {
  const { lang, t } = useApp();
  const nodes = new Map<string, GraphItem & { external?: string }>(items.map((i) => [i.id, i]));
  for (const l of links) {
    for (const [id, code, project, pid] of [
      [l.fromItemId, l.from, l.fromProjectCode, l.fromProjectId],
      [l.toItemId, l.to, l.toProjectCode, l.toProjectId],
    ] as const) {
      if (!nodes.has(id) && pid !== projectId) {
        nodes.set(id, { id, code, titleFa: project ?? '', titleEn: project ?? '', verifiedPercent: -1, declaredPercent: 0, external: project });
      }
    }
  }
  const depth = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const preds = links.filter((l) => l.toItemId === id).map((l) => l.fromItemId);
    const d = preds.length ? Math.max(...preds.map((p) => visit(p, seen) + 1)) : 0;
    depth.set(id, d);
    return d;
  };
  for (const id of nodes.keys()) visit(id, new Set());
  const columns = new Map<number, string[]>();
  for (const [id, d] of depth) columns.set(d, [...(columns.get(d) ?? []), id]);
  const pos = new Map<string, { x: number; y: number }>();
  const rtl = lang === 'fa';
  const cols = Math.max(1, columns.size);
  for (const [d, ids] of columns) {
    ids.sort((a, b) => nodes.get(a)!.code.localeCompare(nodes.get(b)!.code, 'en', { numeric: true }));
    ids.forEach((id, k) => {
      const col = rtl ? cols - 1 - d : d;
      pos.set(id, { x: 10 + col * (W + GAP_X), y: 10 + k * (H + GAP_Y) });
    });
  }
  const width = 20 + cols * (W + GAP_X);
  const height = 20 + Math.max(1, ...[...columns.values()].map((c) => c.length)) * (H + GAP_Y);
  const colour = (n: GraphItem & { external?: string }) =>
    n.external ? '#e8eef7' : n.verifiedPercent >= 100 ? '#c8ecd2' : n.verifiedPercent > 0 || n.declaredPercent > 0 ? '#fbe6b6' : '#eceff1';
  return (
    <svg className="chain" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('actionChain')}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#546e7a" />
        </marker>
      </defs>
      {links.map((l) => {
        const a = pos.get(l.fromItemId);
        const b = pos.get(l.toItemId);
        if (!a || !b) return null;
        const [x1, x2] = rtl ? [a.x, b.x + W] : [a.x + W, b.x];
        return (
          <line key={`${l.fromItemId}-${l.toItemId}`} x1={x1} y1={a.y + H / 2} x2={x2} y2={b.y + H / 2} stroke="#546e7a" strokeWidth="1.5" markerEnd="url(#arrow)" />
        );
      })}
      {[...nodes.values()].map((n) => {
        const p = pos.get(n.id);
        if (!p) return null;
        const title = lang === 'fa' ? n.titleFa : n.titleEn;
        return (
          <g key={n.id} data-item={n.code} className="node">
            <rect x={p.x} y={p.y} width={W} height={H} rx="8" fill={colour(n)} stroke="#607d8b" strokeDasharray={n.external ? '5 3' : undefined} />
            <text x={p.x + W / 2} y={p.y + 20} textAnchor="middle" fontWeight="600">
              {n.external ? `${n.external} · ${digits(n.code, lang)}` : digits(n.code, lang)}
            </text>
            <text x={p.x + W / 2} y={p.y + 38} textAnchor="middle" fontSize="11">
              {n.external ? '' : `${title.slice(0, 22)}`}
            </text>
            {!n.external && (
              <text x={p.x + W / 2} y={p.y + 52} textAnchor="middle" fontSize="10" fill="#37474f">
                {digits(`${n.verifiedPercent}% ✓ · ${n.declaredPercent}%`, lang)}
                {n.fundedByTranches?.length ? ` · T${digits(n.fundedByTranches.join(','), lang)}` : ''}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** Planned progress over the plan's span, with today's declared and verified figures marked. */
export function ProgressChart({
  items,
  declared,
  verified,
}: {
  items: Array<{ weight: number; plannedStart: string; plannedEnd?: string; dueAt?: string }>;
  declared: number;
  verified: number;
}) {
  const { lang, t } = useApp();
  if (items.length === 0) return null;
  const start = Math.min(...items.map((i) => Date.parse(i.plannedStart)));
  const end = Math.max(...items.map((i) => Date.parse(i.plannedEnd ?? i.dueAt!)));
  const planned = (at: number) =>
    items.reduce((sum, i) => {
      const s = Date.parse(i.plannedStart);
      const e = Date.parse(i.plannedEnd ?? i.dueAt!);
      const share = at <= s ? 0 : at >= e ? 1 : (at - s) / (e - s);
      return sum + Number(i.weight) * share;
    }, 0);
  const W2 = 520;
  const H2 = 180;
  const x = (at: number) => 30 + ((at - start) / Math.max(1, end - start)) * (W2 - 40);
  const y = (pct: number) => H2 - 20 - (pct / 100) * (H2 - 40);
  const points = Array.from({ length: 41 }, (_, k) => start + ((end - start) * k) / 40).map((at) => `${x(at)},${y(planned(at))}`);
  const now = Math.min(Math.max(Date.now(), start), end);
  return (
    <svg className="progress-chart" width={W2} height={H2} viewBox={`0 0 ${W2} ${H2}`} role="img" aria-label={t('progressChart')} style={{ direction: 'ltr' }}>
      <line x1="30" y1={y(0)} x2={W2 - 10} y2={y(0)} stroke="#90a4ae" />
      <line x1="30" y1={y(100)} x2="30" y2={y(0)} stroke="#90a4ae" />
      <text x="2" y={y(100) + 4} fontSize="10">{digits('100', lang)}</text>
      <polyline points={points.join(' ')} fill="none" stroke="#1e88e5" strokeWidth="2" />
      <line x1={x(now)} y1={y(0)} x2={x(now)} y2={y(100)} stroke="#b0bec5" strokeDasharray="3 3" />
      <circle cx={x(now)} cy={y(declared)} r="5" fill="#f9a825"><title>{t('declared')}</title></circle>
      <circle cx={x(now)} cy={y(verified)} r="5" fill="#2e7d32"><title>{t('verified')}</title></circle>
      <g fontSize="11">
        <text x="40" y="14" fill="#1e88e5">— {t('planned')}</text>
        <text x="150" y="14" fill="#f9a825">● {t('declared')}</text>
        <text x="260" y="14" fill="#2e7d32">● {t('verified')}</text>
      </g>
    </svg>
  );
}
