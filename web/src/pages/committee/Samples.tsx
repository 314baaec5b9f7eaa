import { call, client } from '../../api';
import { useApp } from '../../app-context';
import { Loading, Section, useLoad } from '../../ui';
import { SamplesTable } from '../../verification';

/** The verification samples opened so far, newest first (an administrator opens them). */
export function Samples() {
  const { t } = useApp();
  const samples = useLoad(() => call(client.GET('/api/verification-samples')));
  return (
    <Section title={t('samples')} id="samples">
      <Loading state={samples}>{(list) => <SamplesTable samples={list} />}</Loading>
    </Section>
  );
}
