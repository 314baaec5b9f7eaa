import { cycleWithDetours, detoursThrough, directPredecessors, findCycle, pathBetween } from './action-chain';

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

  /** A layered plan: `layers` layers of `width` items, every item linked to every item of the next layer. */
  const layered = (layers: number, width: number) => {
    const links = [];
    for (let l = 0; l < layers - 1; l++)
      for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) links.push({ from: `${l}.${a}`, to: `${l + 1}.${b}` });
    return links;
  };

  describe('pathBetween', () => {
    it('returns a shortest chain, or null when there is none', () => {
      const links = [...workedExample, { from: '3', to: '5' }, { from: '1', to: '5' }];
      expect(pathBetween(links, '1', '5')).toEqual(['1', '5']);
      expect(pathBetween(links, '2', '4')).toEqual(['2', '4']);
      expect(pathBetween(links, '4', '2')).toBeNull();
      expect(pathBetween(links, '3', '3')).toEqual(['3']);
    });

    it('stays linear on a plan with more paths than could ever be listed (2^48 here)', () => {
      // 25 layers of 4: 4^24 simple paths from the first layer to the last.
      const links = layered(25, 4);
      expect(pathBetween(links, '0.0', '24.3')).toHaveLength(25);
      expect(pathBetween(links, '24.3', '0.0')).toBeNull();
    });
  });

  describe('detoursThrough', () => {
    it('finds a way out of the set and back in, with the items passed', () => {
      const inside = new Set(['a', 'b', 'c']);
      const links = [
        { from: 'a', to: 'x' },
        { from: 'x', to: 'y' },
        { from: 'y', to: 'c' },
        { from: 'b', to: 'z' }, // leaves and never comes back
        { from: 'a', to: 'b' }, // inside: not a detour
      ];
      expect(detoursThrough(links, inside)).toEqual([{ from: 'a', to: 'c', via: ['x', 'y'] }]);
    });

    it('does not walk through the set itself', () => {
      const inside = new Set(['a', 'b', 'c']);
      // a → x → b → y → c: two detours (a → b, b → c), not a → c.
      const links = [
        { from: 'a', to: 'x' },
        { from: 'x', to: 'b' },
        { from: 'b', to: 'y' },
        { from: 'y', to: 'c' },
      ];
      expect(detoursThrough(links, inside)).toEqual([
        { from: 'a', to: 'b', via: ['x'] },
        { from: 'b', to: 'c', via: ['y'] },
      ]);
    });

    it('stays polynomial through a layered region outside the set', () => {
      const outside = layered(25, 4);
      const links = [{ from: 'in', to: '0.0' }, ...outside, { from: '24.0', to: 'back' }];
      expect(detoursThrough(links, new Set(['in', 'back']))).toEqual([
        { from: 'in', to: 'back', via: Array.from({ length: 25 }, (_, l) => `${l}.0`) },
      ]);
    });
  });

  describe('cycleWithDetours', () => {
    it('spells a cycle closed through another project with the items it passes', () => {
      const links = [{ from: 'A', to: 'B' }];
      const detours = [{ from: 'B', to: 'A', via: ['Q:X', 'Q:Y'] }];
      expect(cycleWithDetours(links, detours)).toEqual(['A', 'B', 'Q:X', 'Q:Y', 'A']);
    });

    it('is null when the links and detours stay acyclic, and names an own cycle as it is', () => {
      expect(cycleWithDetours([{ from: 'A', to: 'B' }], [{ from: 'A', to: 'B', via: ['Q:X'] }])).toBeNull();
      expect(cycleWithDetours([{ from: 'A', to: 'B' }, { from: 'B', to: 'A' }], [])).toEqual(['A', 'B', 'A']);
    });
  });
});
