import { neutraliseFormula, toCsv } from './open-data';

describe('CSV open data', () => {
  it('keeps a title that starts like a formula as text', () => {
    for (const t of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(t)).toBe(`'${t}`);
    expect(neutraliseFormula('سامانه = خوب')).toBe('سامانه = خوب');
  });

  it('writes numbers as numbers and quotes what needs quoting', () => {
    expect(toCsv([{ a: -5, b: '=HYPERLINK("x")', c: null }])).toBe('\uFEFFa,b,c\r\n-5,"\'=HYPERLINK(""x"")",\r\n');
  });
});
