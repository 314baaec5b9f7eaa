import { useApp } from '../app-context';
import { digits } from '../format';

export interface LinkOption {
  key: string;
  code: string;
  title: string;
}

/**
 * The items one item waits for, picked by checkbox (a native disclosure, so it opens by keyboard and
 * reads as a group). A link that would close a cycle is refused by `onToggle` (the checkbox stays
 * unticked) and the refusal is announced under the group.
 */
export function LinkPicker({
  label,
  options,
  selected,
  onToggle,
  refusal,
}: {
  /** "Predecessors of item 3". */
  label: string;
  options: readonly LinkOption[];
  selected: readonly string[];
  onToggle(key: string, on: boolean): void;
  refusal: string | null;
}) {
  const { t, lang } = useApp();
  const chosen = options.filter((o) => selected.includes(o.key));
  return (
    <details className="link-picker">
      <summary aria-label={`${label}: ${chosen.length ? chosen.map((o) => o.code).join('، ') : t('pe_none')}`}>
        {chosen.length ? chosen.map((o) => digits(o.code, lang)).join(lang === 'fa' ? '، ' : ', ') : <span className="muted">{t('pe_none')}</span>}
      </summary>
      <fieldset>
        <legend className="visually-hidden">{label}</legend>
        {options.length === 0 && <span className="muted">{t('pe_none')}</span>}
        {options.map((o) => (
          <label key={o.key} className="check">
            <input type="checkbox" data-code={o.code} checked={selected.includes(o.key)} onChange={(e) => onToggle(o.key, e.target.checked)} />
            {digits(o.code, lang)} · {o.title}
          </label>
        ))}
      </fieldset>
      {refusal && <div className="field-error cycle-refused" role="alert">{refusal}</div>}
    </details>
  );
}
