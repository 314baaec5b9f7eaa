import { useState } from 'react';
import { toAsciiDigits } from '@pelekan/core';
import { call, client } from '../api';
import { useApp } from '../app-context';
import { dateExample, typedRials } from '../format';
import { FieldError, Num, Section, typedDate } from '../ui';
import { Refusal, type SampleSummary } from '../verification';

/**
 * Opens a verification sample: a period (Jalali dates in Persian, YYYY-MM-DD in English, Tehran midnight;
 * an empty end is now), the public seed, the base rate and the tranche size always checked.
 */
export function OpenSampleForm({ onOpened }: { onOpened?(): void }) {
  const { t, lang } = useApp();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [seed, setSeed] = useState('');
  const [baseRate, setBaseRate] = useState('0.1');
  const [above, setAbove] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [opened, setOpened] = useState<SampleSummary | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setOpened(null);
    setBusy(true);
    try {
      const body = {
        periodFrom: typedDate(from, lang, 'periodFrom', t('dateFormat')),
        periodTo: to.trim() ? typedDate(to, lang, 'periodTo', t('dateFormat')) : new Date().toISOString(),
        seed,
        baseRate: Number(toAsciiDigits(baseRate.trim()).replace('٫', '.')),
        alwaysAboveRials: typedRials(above),
      };
      setOpened(await call(client.POST('/api/verification-samples', { body })));
      onOpened?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = ['periodFrom', 'periodTo', 'seed', 'baseRate', 'alwaysAboveRials'];
  return (
    <Section title={t('openSample')} id="open-sample">
      <form className="decide open-sample" onSubmit={submit}>
        <label htmlFor="os-from">
          {t('periodFrom')}
          <input id="os-from" name="periodFrom" value={from} onChange={(e) => setFrom(e.target.value)} placeholder={dateExample(lang)} dir="ltr" required />
          <FieldError error={error} field="periodFrom" />
        </label>
        <label htmlFor="os-to">
          {t('periodToOptional')}
          <input id="os-to" name="periodTo" value={to} onChange={(e) => setTo(e.target.value)} placeholder={dateExample(lang)} dir="ltr" />
          <FieldError error={error} field="periodTo" />
        </label>
        <label htmlFor="os-seed">
          {t('seed')}
          <input id="os-seed" name="seed" value={seed} onChange={(e) => setSeed(e.target.value)} dir="ltr" required maxLength={200} />
          <FieldError error={error} field="seed" />
        </label>
        <label htmlFor="os-rate">
          {t('baseRate')}
          <input id="os-rate" name="baseRate" value={baseRate} onChange={(e) => setBaseRate(e.target.value)} inputMode="decimal" dir="ltr" required />
          <FieldError error={error} field="baseRate" />
        </label>
        <label htmlFor="os-above">
          {t('alwaysAbove')}
          <input id="os-above" name="alwaysAboveRials" value={above} onChange={(e) => setAbove(e.target.value)} inputMode="numeric" dir="ltr" required />
          <FieldError error={error} field="alwaysAboveRials" />
        </label>
        <button type="submit" disabled={busy}>{t('openSample')}</button>
        <Refusal error={error} fields={fields} />
      </form>
      {opened && (
        <p className="sample-opened" role="status" data-opened={opened.id}>
          {t('sampleOpened')}: {t('population')} <span data-count="population"><Num value={opened.population} /></span> · {t('selected')}{' '}
          <span data-count="selected"><Num value={opened.selected} /></span>
        </p>
      )}
    </Section>
  );
}
