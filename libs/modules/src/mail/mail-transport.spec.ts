import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emlTransport, messageIdOf } from './mail-transport';

describe('the .eml writer (no SMTP_URL)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pelekan-mail-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one parseable file per outbox message, the same file on a retry', async () => {
    const transport = emlTransport(join(dir, 'mail'));
    const mail = {
      id: '0b5c6a43-1f0e-4c1e-9f0a-6b7c8d9e0f12',
      from: 'Pelekan <no-reply@pelekan.example>',
      to: 'agency.demo@pelekan.example',
      subject: 'پیگیری بند ۱ | Follow-up: item 1',
      text: 'بند ۱ از موعد گذشته است.\nItem 1 is past its due date.',
      html: '<html lang="fa" dir="rtl"><body>بند ۱</body></html>',
    };
    expect(await transport.send(mail)).toContain(`${mail.id}.eml`);
    await transport.send(mail);
    expect(await readdir(join(dir, 'mail'))).toEqual([`${mail.id}.eml`]);
    const raw = await readFile(join(dir, 'mail', `${mail.id}.eml`), 'utf8');
    const [head, ...rest] = raw.split('\n\n');
    expect(head).toContain(`Message-ID: ${messageIdOf(mail.id)}`);
    expect(head).toContain('To: agency.demo@pelekan.example');
    expect(head).toMatch(/Subject: =\?UTF-8\?[BQ]\?/);
    expect(head).toMatch(/Content-Type: multipart\/alternative/);
    const body = rest.join('\n\n');
    const boundary = /boundary="?([^";\n]+)"?/.exec(head)![1];
    const plain = body.split(`--${boundary}`).find((p) => /Content-Type: text\/plain/.test(p))!;
    const decoded = Buffer.from(plain.split('\n\n').slice(1).join('').replace(/\s+/g, ''), 'base64').toString('utf8');
    expect(decoded).toBe(mail.text);
  });
});
