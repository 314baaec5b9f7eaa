import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail (issue 15): every notification of the in-app inbox can also go by e-mail.
 *
 * - `users.email` (nullable) and `users.email_preference`: `immediate` (default: one mail per
 *   notification, once an address is set), `monthly` (one digest per closed Jalali month) or `none`.
 * - `email_outbox`: one message to send, either one notification's (`notification_id`) or a user's
 *   digest of a Jalali month (`digest_month`, 'YYYY-MM'; unique per user and month, so two workers or a
 *   rerun never compose two). Status pending → delivered, or failed after OUTBOX_MAX_ATTEMPTS (then
 *   only an administrator's redeliver sends it again).
 * - `email_attempts`: one row per try (time, outcome, the SMTP answer or the error).
 * - The trigger `email_outbox_from_notifications` writes the outbox row of every notification whose
 *   recipient wants it at once and has an address, in the statement (so the transaction) that inserted
 *   the notification. Statement-level with a transition table: the escalation sweep's set-based
 *   INSERT of thousands of notifications stays one statement, and the outbox rows are one INSERT ...
 *   SELECT joined to users. Every path that notifies (the inbox, the escalation and stage-case sweeps)
 *   is covered without touching it.
 */
export class EmailOutbox1733200000000 implements MigrationInterface {
  name = 'EmailOutbox1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN email text CHECK (email ~ '^[^@\\s<>"]+@[^@\\s<>"]+\\.[^@\\s<>"]+$' AND length(email) <= 254),
        ADD COLUMN email_preference text NOT NULL DEFAULT 'immediate' CHECK (email_preference IN ('immediate', 'monthly', 'none'));

      CREATE TABLE email_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        notification_id uuid UNIQUE REFERENCES notifications(id),
        digest_month text CHECK (digest_month ~ '^[0-9]{4}-[0-9]{2}$'),
        to_address text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        last_error text,
        CHECK ((notification_id IS NULL) <> (digest_month IS NULL)),
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
        CONSTRAINT one_digest_per_month UNIQUE (user_id, digest_month)
      );
      CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX email_outbox_listing ON email_outbox (created_at DESC, id);
      CREATE INDEX email_outbox_by_status ON email_outbox (status, created_at DESC, id);

      CREATE TABLE email_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        outbox_id uuid NOT NULL REFERENCES email_outbox(id),
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        response text NOT NULL,
        UNIQUE (outbox_id, attempt)
      );

      CREATE FUNCTION email_outbox_from_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        written integer;
      BEGIN
        INSERT INTO email_outbox (user_id, notification_id, to_address)
        SELECT n.user_id, n.id, u.email
          FROM new_notifications n
          JOIN users u ON u.id = n.user_id
         WHERE u.email IS NOT NULL AND u.email_preference = 'immediate';
        GET DIAGNOSTICS written = ROW_COUNT;
        -- Delivered by PostgreSQL on commit only: wakes the worker's e-mail dispatcher (OutboxWakeListener).
        IF written > 0 THEN
          PERFORM pg_notify('pelekan_outbox', 'email');
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER email_outbox_from_notifications AFTER INSERT ON notifications
        REFERENCING NEW TABLE AS new_notifications
        FOR EACH STATEMENT EXECUTE FUNCTION email_outbox_from_notifications();

      -- Written in bulk (the trigger above, the digests): audited per statement, like notifications.
      SELECT audit_table_bulk('email_outbox');
      SELECT audit_table_bulk('email_attempts');
      -- What each try answered is history: never rewritten.
      CREATE TRIGGER email_attempts_append_only BEFORE UPDATE OR DELETE ON email_attempts
        FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER email_outbox_from_notifications ON notifications;
      DROP FUNCTION email_outbox_from_notifications();
      DROP TABLE email_attempts, email_outbox;
      ALTER TABLE users DROP COLUMN email_preference, DROP COLUMN email;
    `);
  }
}
