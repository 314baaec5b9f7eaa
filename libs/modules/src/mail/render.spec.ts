import { digestMonth } from '@pelekan/core';
import { actionLink, escapeHtml, type MailNotice, renderDigestMail, renderNotificationMail } from './render';

const notice: MailNotice = {
  titleFa: 'پیگیری بند A-1 طرح P-1 — سطح دو',
  titleEn: 'Escalation: item A-1 of P-1 — level 2',
  bodyFa: 'بند «<script>» از موعد خود گذشته است.',
  bodyEn: 'Item "<script>" is past its due date.',
  createdAt: new Date('2024-10-22T08:00:00Z'), // 1 Aban 1403
  itemCode: 'A-1',
  itemTitleFa: 'ساخت & تجهیز',
  itemTitleEn: 'Build & equip',
  projectCode: 'P-1',
  projectNameFa: 'طرح آزمایشی',
  projectNameEn: 'Pilot project',
  level: 2,
  link: 'http://localhost:3000/#/projects/6f1c3a34-7c1e-4b7e-9a55-0a0f1b2c3d4e',
};

describe('e-mail rendering', () => {
  it('escapes every interpolated text in HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const { html } = renderNotificationMail(notice);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('ساخت &amp; تجهیز');
  });

  it('is Persian first, right to left, with the English below', () => {
    const { subject, text, html } = renderNotificationMail(notice);
    expect(subject.startsWith('پیگیری بند A-1')).toBe(true);
    expect(subject).toContain('| Escalation: item A-1');
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html.indexOf('از موعد خود گذشته')).toBeLessThan(html.indexOf('past its due date'));
    expect(text.indexOf('از موعد خود گذشته')).toBeLessThan(text.indexOf('past its due date'));
  });

  it('names the Jalali date, the project, the item, the level and the link', () => {
    const { text, html } = renderNotificationMail(notice);
    expect(text).toContain('تاریخ: ۱۴۰۳/۰۸/۰۱');
    expect(text).toContain('Date: 1403/08/01 (2024-10-22)');
    expect(text).toContain('طرح: P-1 — طرح آزمایشی');
    expect(text).toContain('Item: A-1 — Build & equip');
    expect(text).toContain('Escalation level: 2');
    expect(text).toContain(notice.link);
    expect(html).toContain(`href="${notice.link}"`);
  });

  it('leaves out what a notification does not have', () => {
    const { text } = renderNotificationMail({ ...notice, itemCode: null, projectCode: null, level: null });
    expect(text).not.toContain('Item:');
    expect(text).not.toContain('Project:');
    expect(text).not.toContain('Escalation level');
  });

  it('keeps a subject on one line', () => {
    expect(renderNotificationMail({ ...notice, titleFa: 'a\r\nBcc: x@y.z' }).subject).not.toMatch(/[\r\n]/);
  });

  it('digests a month: Persian month name, counts, every listed notice and the inbox link', () => {
    const { subject, text, html } = renderDigestMail(digestMonth(1403, 7), [notice, notice], 5, 'http://localhost:3000/#/agency');
    expect(subject).toBe('خلاصهٔ ماه مهر ۱۴۰۳ در پلکان: ۵ اعلان | Pelekan digest for Mehr 1403: 5 notifications');
    expect(text).toContain('و ۳ اعلان دیگر در صندوق پیام‌ها.');
    expect(text).toContain('and 3 more in your inbox.');
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html.split('href="http://localhost:3000/#/projects/').length - 1).toBe(4);
  });

  it('links the project page when there is a project, else the workspace', () => {
    expect(actionLink('https://p.example.ir/', 'abc', 'pbo')).toBe('https://p.example.ir/#/projects/abc');
    expect(actionLink('https://p.example.ir', null, 'committee')).toBe('https://p.example.ir/#/committee');
  });
});
