import { directPredecessors, findCycle, topologicalOrder } from './action-chain';

describe('action chain', () => {
  const workedExample = [
    { from: '1', to: '3' },
    { from: '2', to: '4' },
  ];

  it('finds no cycle in the report\'s worked example', () => {
    expect(findCycle(workedExample)).toBeNull();
  });

  it('names the cycle as a closed path', () => {
    const cycle = findCycle([...workedExample, { from: '3', to: '5' }, { from: '5', to: '1' }]);
    expect(cycle).toEqual(['1', '3', '5', '1']);
  });

  it('treats a self-link as a cycle', () => {
    expect(findCycle([{ from: 'a', to: 'a' }])).toEqual(['a', 'a']);
  });

  it('handles a chain far deeper than the call stack', () => {
    const links = Array.from({ length: 200_000 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}` }));
    expect(findCycle(links)).toBeNull();
    expect(findCycle([...links, { from: 'n200000', to: 'n0' }])).toHaveLength(200_002);
  });

  it('lists direct predecessors', () => {
    expect(directPredecessors(workedExample, ['3', '4'])).toEqual(['1', '2']);
    expect(directPredecessors(workedExample, ['1'])).toEqual([]);
  });

  it('orders items after their predecessors', () => {
    const order = topologicalOrder(['4', '3', '2', '1'], workedExample);
    expect(order.indexOf('1')).toBeLessThan(order.indexOf('3'));
    expect(order.indexOf('2')).toBeLessThan(order.indexOf('4'));
    expect(() => topologicalOrder(['a', 'b'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toThrow();
  });
});
