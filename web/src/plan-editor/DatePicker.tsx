import { useEffect, useId, useRef, useState } from 'react';
import {
  type JalaliDate,
  addJalaliMonths,
  dayInstant,
  formatJalali,
  JALALI_MONTHS,
  jalaliMonthLength,
  jalaliToGregorian,
  parseTypedDay,
  toJalali,
} from '@pelekan/core';
import { useApp } from '../app-context';
import { digits } from '../format';
import type { Lang } from '../i18n';

/** How a plan date reads in the input: Jalali with Persian digits in Persian, YYYY-MM-DD (Tehran) in English. */
export function dayText(iso: string, lang: Lang): string {
  if (!iso) return '';
  const day = toJalali(new Date(iso));
  if (lang === 'fa') return digits(formatJalali(day), 'fa');
  const g = jalaliToGregorian(day);
  return `${g.year}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`;
}

const sameDay = (a: JalaliDate | null, b: JalaliDate | null) => !!a && !!b && a.year === b.year && a.month === b.month && a.day === b.day;

/** Column of a Jalali day in a week starting on Saturday (0) and ending on Friday (6). */
function weekColumn(date: JalaliDate): number {
  const g = jalaliToGregorian(date);
  return (new Date(Date.UTC(g.year, g.month - 1, g.day)).getUTCDay() + 1) % 7;
}

/** The day `n` days after `date` (negative: before), within the Jalali calendar. */
function addDays(date: JalaliDate, n: number): JalaliDate {
  let { year, month, day } = date;
  day += n;
  while (day < 1) {
    ({ year, month } = addJalaliMonths({ year, month, day: 1 }, -1));
    day += jalaliMonthLength(year, month);
  }
  while (day > jalaliMonthLength(year, month)) {
    day -= jalaliMonthLength(year, month);
    ({ year, month } = addJalaliMonths({ year, month, day: 1 }, 1));
  }
  return { year, month, day };
}

/**
 * A plan date: typed (Jalali, or Gregorian in English) or picked from a Jalali month grid. The grid
 * is keyboard-operable: arrows move a day (left is later in Persian, which reads right to left) or a
 * week, PageUp/PageDown a month, Home/End the week's ends, Enter picks, Escape closes.
 */
export function DatePicker({
  value,
  onChange,
  label,
  name,
  invalid,
  describedBy,
}: {
  /** ISO 8601 instant, or '' when none is chosen. */
  value: string;
  onChange(iso: string): void;
  label: string;
  name: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const { t, lang } = useApp();
  const id = useId();
  const [text, setText] = useState(() => dayText(value, lang));
  const [bad, setBad] = useState(false);
  const [open, setOpen] = useState(false);
  const selected = value ? toJalali(new Date(value)) : null;
  const [focus, setFocus] = useState<JalaliDate>(() => selected ?? toJalali(new Date()));
  const grid = useRef<HTMLTableElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);

  // The value or the language changed from outside: show it as the reader writes dates.
  useEffect(() => {
    setText(dayText(value, lang));
    setBad(false);
  }, [value, lang]);

  useEffect(() => {
    if (open && moved.current) grid.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus();
    moved.current = false;
  }, [open, focus]);

  const commitText = () => {
    if (text.trim() === '') return;
    const day = parseTypedDay(text);
    if (!day) {
      setBad(true);
      return;
    }
    setBad(false);
    const iso = dayInstant(day);
    if (sameDay(day, selected)) setText(dayText(value, lang));
    else onChange(iso);
  };

  const openGrid = () => {
    setFocus(selected ?? toJalali(new Date()));
    moved.current = true;
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const pick = (day: JalaliDate) => {
    if (!sameDay(day, selected)) onChange(dayInstant(day));
    close();
  };
  const move = (next: JalaliDate) => {
    moved.current = true;
    setFocus(next);
  };
  const onGridKey = (e: React.KeyboardEvent) => {
    const rtl = lang === 'fa';
    const keys: Record<string, () => JalaliDate> = {
      ArrowLeft: () => addDays(focus, rtl ? 1 : -1),
      ArrowRight: () => addDays(focus, rtl ? -1 : 1),
      ArrowUp: () => addDays(focus, -7),
      ArrowDown: () => addDays(focus, 7),
      PageUp: () => addJalaliMonths(focus, -1),
      PageDown: () => addJalaliMonths(focus, 1),
      Home: () => addDays(focus, -weekColumn(focus)),
      End: () => addDays(focus, 6 - weekColumn(focus)),
    };
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (keys[e.key]) {
      e.preventDefault();
      move(keys[e.key]());
    }
  };

  const months = JALALI_MONTHS.map(([fa, en]) => (lang === 'fa' ? fa : en));
  const weekdays = t('pe_weekdays').split(/[،,]/);
  const weekdayNames = t('pe_weekdayNames').split(/[،,]/);
  const monthTitle = `${months[focus.month - 1]} ${digits(focus.year, lang)}`;
  const first = { year: focus.year, month: focus.month, day: 1 };
  const lead = weekColumn(first);
  const length = jalaliMonthLength(focus.year, focus.month);
  const cells: Array<JalaliDate | null> = [...Array(lead).fill(null), ...Array.from({ length }, (_, i) => ({ ...first, day: i + 1 }))];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  const dayLabel = (d: JalaliDate) => {
    const jalali = `${digits(d.day, lang)} ${months[d.month - 1]} ${digits(d.year, lang)}`;
    if (lang === 'fa') return jalali;
    const g = jalaliToGregorian(d);
    const gregorian = new Date(Date.UTC(g.year, g.month - 1, g.day)).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
    return `${jalali} (${gregorian})`;
  };
  const errorId = `${id}-error`;

  return (
    <div className="date-field" data-name={name}>
      <label htmlFor={`${id}-input`} className="visually-hidden">{label}</label>
      <span className="date-input">
        <input
          id={`${id}-input`}
          name={name}
          value={text}
          dir="ltr"
          inputMode="numeric"
          placeholder={t('pe_dateHint')}
          aria-invalid={bad || invalid || undefined}
          aria-describedby={[bad ? errorId : '', describedBy ?? ''].filter(Boolean).join(' ') || undefined}
          onChange={(e) => setText(e.target.value)}
          onBlur={commitText}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commitText();
            }
          }}
        />
        <button
          type="button"
          ref={toggle}
          className="date-toggle"
          aria-expanded={open}
          aria-controls={`${id}-dialog`}
          aria-label={`${t('pe_chooseDate')}: ${label}`}
          onClick={() => (open ? close() : openGrid())}
        >
          <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <rect x="2" y="4" width="16" height="14" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M2 8h16M6 2v4M14 2v4" stroke="currentColor" strokeWidth="1.6" />
            <rect x="5" y="11" width="3" height="3" fill="currentColor" />
          </svg>
        </button>
      </span>
      {bad && <div className="field-error" id={errorId} role="alert">{t('pe_dateBad')}</div>}
      {open && (
        <div className="calendar" id={`${id}-dialog`} role="dialog" aria-label={`${t('pe_calendar')}: ${label}`}>
          <div className="calendar-head">
            <button type="button" className="prev-month" aria-label={t('pe_prevMonth')} onClick={() => move(addJalaliMonths(focus, -1))}>
              <span aria-hidden="true">{lang === 'fa' ? '›' : '‹'}</span>
            </button>
            <span className="month-title" aria-live="polite" id={`${id}-month`}>{monthTitle}</span>
            <button type="button" className="next-month" aria-label={t('pe_nextMonth')} onClick={() => move(addJalaliMonths(focus, 1))}>
              <span aria-hidden="true">{lang === 'fa' ? '‹' : '›'}</span>
            </button>
          </div>
          <table role="grid" ref={grid} aria-labelledby={`${id}-month`} onKeyDown={onGridKey}>
            <thead>
              <tr>{weekdays.map((w, i) => <th key={w} scope="col" abbr={weekdayNames[i]}>{w}</th>)}</tr>
            </thead>
            <tbody>
              {weeks.map((week, w) => (
                <tr key={w}>
                  {week.map((d, i) => (
                    <td key={i} role="gridcell" aria-selected={d ? sameDay(d, selected) : undefined}>
                      {d && (
                        <button
                          type="button"
                          tabIndex={sameDay(d, focus) ? 0 : -1}
                          data-day={formatJalali(d)}
                          aria-label={dayLabel(d)}
                          aria-pressed={sameDay(d, selected)}
                          onClick={() => pick(d)}
                          onFocus={() => !sameDay(d, focus) && setFocus(d)}
                        >
                          {digits(d.day, lang)}
                        </button>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="link close-calendar" onClick={close}>{t('pe_closeCalendar')}</button>
        </div>
      )}
    </div>
  );
}
