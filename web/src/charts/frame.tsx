import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApp } from '../app-context';

/**
 * The width the chart is drawn at: its container's, so text stays at its real size on a phone
 * (a fixed viewBox scaled down to 375 px would shrink the labels unreadably).
 */
export function useWidth(fallback = 640) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    const measure = () => setWidth(Math.max(260, Math.floor(node.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * A chart with its title, its description and its data as a table (the text alternative): the table
 * is a toggle on screen and always printed.
 */
export function ChartFrame({ id, title, description, table, children }: { id: string; title: string; description: string; table: ReactNode; children: ReactNode }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  return (
    <figure className="chart" data-chart={id} aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p className="chart-desc" id={`${id}-desc`}>{description}</p>
      </figcaption>
      {children}
      <button type="button" className="link" aria-expanded={open} aria-controls={`${id}-table`} onClick={() => setOpen(!open)}>
        {open ? t('portal_hideTable') : t('portal_showTable')}
      </button>
      <div id={`${id}-table`} className={open ? 'chart-table' : 'chart-table screen-hidden'}>
        <div className="scroll">{table}</div>
      </div>
    </figure>
  );
}

/** Fill patterns shared by the charts: meaning never rests on colour alone (hatched = self-declared, solid = verified). */
export function ChartPatterns({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#fff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#8d4f00" strokeWidth="3" />
      </pattern>
    </defs>
  );
}
