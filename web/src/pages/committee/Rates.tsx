import { call, client } from '../../api';
import { useApp } from '../../app-context';
import { Loading, Section, useLoad } from '../../ui';
import { RatesTables } from '../../verification';

/** Field-check discrepancy rates per agency and per member (committee, PBO and administrators). */
export function Rates({ version = 0 }: { version?: number }) {
  const { t } = useApp();
  const rates = useLoad(() => call(client.GET('/api/verification/discrepancy-rates')), [version]);
  return (
    <Section title={t('discrepancyRates')} id="discrepancy-rates">
      <Loading state={rates}>{(r) => <RatesTables rates={r} />}</Loading>
    </Section>
  );
}
