import { conflictsOfInterest } from './independence';

describe('verifier independence', () => {
  it('flags the verifier\'s own organization', () => {
    expect(conflictsOfInterest(['arao'], [['arao'], ['other']])).toEqual(['arao']);
  });

  it('flags a parent verifying its subsidiary and a subsidiary verifying its parent', () => {
    expect(conflictsOfInterest(['mict'], [['ito', 'mict']])).toEqual(['ito']);
    expect(conflictsOfInterest(['ito', 'mict'], [['mict']])).toEqual(['mict']);
  });

  it('allows an unrelated organization', () => {
    expect(conflictsOfInterest(['pbo'], [['ito', 'mict'], ['demo']])).toEqual([]);
  });
});
