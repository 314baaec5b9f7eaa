import { chainGate, evaluateGate, gateDiff } from './gate';

describe('gate', () => {
  const links = [
    { from: '1', to: '3' },
    { from: '2', to: '4' },
  ];

  it('gates tranche 2 of the worked example on items 1 and 2', () => {
    expect(chainGate(['3', '4'], links)).toEqual({ gate: ['1', '2'], fundsAcrossLink: [] });
    expect(chainGate(['1', '2'], links)).toEqual({ gate: [], fundsAcrossLink: [] });
  });

  it('reports a tranche that funds an item together with its predecessor', () => {
    expect(chainGate(['1', '3'], links).fundsAcrossLink).toEqual([{ from: '1', to: '3' }]);
  });

  it('opens only when every gating item is at 100% verified', () => {
    const one = { itemId: '1', verifiedPercent: 100 };
    const two = { itemId: '2', verifiedPercent: 99 };
    expect(evaluateGate([one, two])).toEqual({ open: false, waitingOn: [two] });
    expect(evaluateGate([one]).open).toBe(true);
    expect(evaluateGate([]).open).toBe(true);
  });

  it('names the items a recomputed gate gains and loses', () => {
    expect(gateDiff(['1', '2'], ['2', '3'])).toEqual({ added: ['3'], removed: ['1'] });
    expect(gateDiff(['1'], ['1'])).toEqual({ added: [], removed: [] });
  });
});
