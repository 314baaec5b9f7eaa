import { useState } from 'react';
import { call, client, type Schema } from '../api';
import { useApp } from '../app-context';
import type { LabelKey } from '../i18n';
import { DateText, FieldError, FormError, Loading, Num, Section, useLoad } from '../ui';

type EventType = Schema<'WebhookSubscriberView'>['events'][number];
const EVENT_TYPES: EventType[] = ['tranche.released', 'tranche.installment_released', 'tranche.lapsed', 'hold.placed', 'hold.lifted'];

/** The administrator's webhook screen: subscribers (add, deactivate), deliveries with their attempts, redeliver. */
export function AdminWebhooks() {
  const { t } = useApp();
  const subscribers = useLoad(() => call(client.GET('/api/admin/webhooks')));
  const deliveries = useLoad(() => call(client.GET('/api/admin/webhooks/deliveries', { params: { query: { limit: 100 } } })));
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>(['tranche.released', 'tranche.installment_released']);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
      subscribers.reload();
      deliveries.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const create = (e: React.FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const created = await call(client.POST('/api/admin/webhooks', { body: { url, description, events } }));
      setSecret(created.secret);
      setUrl('');
      setDescription('');
    });
  };
  const toggle = (s: Schema<'WebhookSubscriberView'>) =>
    act(() => call(client.PATCH('/api/admin/webhooks/{id}', { params: { path: { id: s.id } }, body: { active: !s.active } })));
  const redeliver = (d: Schema<'WebhookDeliveryView'>) =>
    act(() => call(client.POST('/api/admin/webhooks/deliveries/{id}/redeliver', { params: { path: { id: d.id } } })));

  return (
    <div className="workspace" data-workspace="admin-webhooks">
      <h1>{t('webhooksTitle')}</h1>
      <Section title={t('webhooksSubscribers')} id="webhook-subscribers">
        <form className="decide" onSubmit={create}>
          <label htmlFor="wh-url">
            {t('webhooksUrl')}
            <input id="wh-url" name="url" value={url} onChange={(e) => setUrl(e.target.value)} dir="ltr" required maxLength={2000} />
            <FieldError error={error} field="url" />
          </label>
          <label htmlFor="wh-description">
            {t('webhooksDescription')}
            <input id="wh-description" name="description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={300} />
          </label>
          <fieldset>
            <legend>{t('webhooksEvents')}</legend>
            {EVENT_TYPES.map((type) => (
              <label key={type}>
                <input
                  type="checkbox"
                  name="events"
                  value={type}
                  checked={events.includes(type)}
                  onChange={(e) => setEvents(e.target.checked ? [...events, type] : events.filter((x) => x !== type))}
                />
                {t(`webhooks.event.${type}` as LabelKey)}
              </label>
            ))}
            <FieldError error={error} field="events" />
          </fieldset>
          <button type="submit" disabled={busy}>{t('webhooksAdd')}</button>
          {/* Refusals of no form field (a redeliver still pending, a lost connection) show here too. */}
          <FormError error={error} fields={['url', 'events']} />
        </form>
        {secret && (
          <p role="status" className="webhook-secret">
            {t('webhooksSecretOnce')} <code data-secret>{secret}</code>
          </p>
        )}
        <Loading state={subscribers} empty={t('webhooksNone')}>
          {(list) => (
            <table>
              <thead>
                <tr><th>{t('webhooksUrl')}</th><th>{t('webhooksDescription')}</th><th>{t('webhooksEvents')}</th><th>{t('webhooksStatus')}</th><th /></tr>
              </thead>
              <tbody>{list.map((s) => (
                <tr key={s.id} data-subscriber={s.id}>
                  <td dir="ltr"><code>{s.url}</code></td>
                  <td>{s.description}</td>
                  <td>{s.events.map((e) => t(`webhooks.event.${e}` as LabelKey)).join('، ')}</td>
                  <td>{s.active ? t('webhooksActive') : t('webhooksInactive')}</td>
                  <td><button type="button" disabled={busy} onClick={() => void toggle(s)}>{s.active ? t('webhooksDeactivate') : t('webhooksActivate')}</button></td>
                </tr>
              ))}</tbody>
            </table>
          )}
        </Loading>
      </Section>
      <Section title={t('webhooksDeliveries')} id="webhook-deliveries">
        <Loading state={deliveries} empty={t('webhooksNoDeliveries')}>
          {(list) => (
            <table>
              <thead>
                <tr>
                  <th>{t('webhooksCreatedAt')}</th><th>{t('webhooksEventType')}</th><th>{t('webhooksUrl')}</th><th>{t('webhooksStatus')}</th>
                  <th>{t('webhooksAttempts')}</th><th>{t('webhooksNextAttempt')}</th><th>{t('webhooksLastError')}</th><th />
                </tr>
              </thead>
              <tbody>{list.map((d) => (
                <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                  <td><DateText value={d.createdAt} time /></td>
                  <td>{t(`webhooks.event.${d.eventType}` as LabelKey)}</td>
                  <td dir="ltr"><code>{d.subscriberUrl}</code></td>
                  <td>{t(`webhooks.status.${d.status}` as LabelKey)}</td>
                  <td>
                    {d.attemptLog.length === 0 ? <Num value={d.attempts} /> : (
                      // Every try, as the API lists them: when, what the receiver answered, how long it took.
                      <details data-attempts>
                        <summary><Num value={d.attempts} /></summary>
                        <ol>{d.attemptLog.map((a) => (
                          <li key={a.number}>
                            <DateText value={a.at} time /> · <span data-i18n-exempt="server" dir="ltr">{a.ok ? '✓' : '✗'} {a.statusCode ?? ''} {a.error ?? ''}</span>
                            {' · '}<Num value={a.durationMs} /> {t('webhooksMs')}
                          </li>
                        ))}</ol>
                      </details>
                    )}
                  </td>
                  <td>{d.nextAttemptAt ? <DateText value={d.nextAttemptAt} time /> : '—'}</td>
                  <td data-i18n-exempt="server" dir="ltr">{d.lastStatusCode ?? ''} {d.lastError ?? ''}</td>
                  <td>{d.status !== 'pending' && <button type="button" disabled={busy} onClick={() => void redeliver(d)}>{t('webhooksRedeliver')}</button>}</td>
                </tr>
              ))}</tbody>
            </table>
          )}
        </Loading>
      </Section>
    </div>
  );
}
