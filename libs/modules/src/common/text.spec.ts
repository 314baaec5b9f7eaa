import { unsafeTextProblems, unsafeTextReason } from './text';

describe('text the database can store', () => {
  it('accepts Persian, emoji (paired surrogates) and zero-width joiners', () => {
    expect(unsafeTextReason('پیشرفت ۱۰۰٪ 😀 می\u200cشود')).toBeNull();
  });

  it('refuses NUL and unpaired surrogates, naming each field by its path', () => {
    expect(unsafeTextReason('a\u0000b')).toMatch(/NUL/);
    expect(unsafeTextReason('x\ud800')).toMatch(/surrogate/);
    expect(unsafeTextReason('\udc00x')).toMatch(/surrogate/);
    expect(unsafeTextReason('\ud83d\ude00\ud83d')).toMatch(/surrogate/);
    expect(unsafeTextProblems({ items: [{ code: 'A' }, { titleFa: 'ok', titleEn: 'a\u0000' }], note: 'fine' })).toEqual([
      { field: 'items[1].titleEn', reason: expect.stringContaining('NUL') },
    ]);
    expect(unsafeTextProblems({ ['bad\u0000key']: 1 })).toEqual([{ field: 'bad\u0000key', reason: expect.stringContaining('field name') }]);
    expect(unsafeTextProblems('\u0000')).toEqual([{ field: 'body', reason: expect.any(String) }]);
  });
});
