import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';

export interface OutgoingMail {
  /** The outbox row's id: the Message-ID is made of it, so a retry is recognisably the same mail. */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The stable Message-ID of an outbox message. */
export function messageIdOf(outboxId: string): string {
  return `<email-${outboxId}@pelekan.local>`;
}

/** Sends one mail; resolves with the server's answer, rejects with its refusal or the connection error. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<string>;
  readonly description: string;
}

function options(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: messageIdOf(mail.id),
    textEncoding: 'base64' as const,
    headers: { 'Content-Language': 'fa, en' },
  };
}

/** SMTP (smtp:// or smtps://), one connection per mail. */
export function smtpTransport(url: string): MailTransport {
  const transporter: Transporter = createTransport(url);
  return {
    description: `SMTP ${new URL(url).host}`,
    async send(mail) {
      const info = (await transporter.sendMail(options(mail))) as { response?: string };
      return info.response ?? 'accepted';
    },
  };
}

/** No SMTP server: each mail becomes `<dir>/<outbox id>.eml` (a retry overwrites the same file). */
export function emlTransport(dir: string): MailTransport {
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `.eml files in ${dir}`,
    async send(mail) {
      const info = (await transporter.sendMail(options(mail))) as { message: Buffer };
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${mail.id}.eml`);
      await writeFile(file, info.message);
      return `written to ${file}`;
    },
  };
}
