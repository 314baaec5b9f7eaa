import { drawSample, isSelected, ppmText, rateToPpm, recomputeSample, sampleDraw, selectionProbability } from './sampling';

// Expected draws computed outside this code: printf '%s' "<seed>:<id>" | sha256sum, first 16 hex digits.
const SEED = 'dice 4-2-6-1-3 at the Azar 1405 meeting';
const VECTORS = [
  { id: '0b6a1d3e-1c55-4f0e-9a43-5e1f2c1b7a01', draw: 3757841952921428510n }, // u ≈ 0.2037
  { id: '7d3c2b1a-9e8f-4a6b-8c5d-2e1f0a9b8c7d', draw: 1897789947419259513n }, // u ≈ 0.1029
  { id: 'c1f0e2d3-4b5a-4697-8887-a9b8c7d6e5f4', draw: 14095881576275133624n }, // u ≈ 0.7641
  { id: 'f00dbabe-0000-4000-8000-000000000001', draw: 5215425098819328720n }, // u ≈ 0.2827
];

describe('the published sample', () => {
  it('draws the first 8 bytes of SHA-256(seed:id), big-endian', () => {
    for (const v of VECTORS) expect(sampleDraw(SEED, v.id)).toBe(v.draw);
    expect(sampleDraw('another seed', VECTORS[0].id)).not.toBe(VECTORS[0].draw);
  });

  it('selects exactly the declarations with u < p, from fixed vectors', () => {
    const parameters = { baseRatePpm: 100_000, alwaysAboveRials: 1_000_000n };
    const population = [
      { declarationId: VECTORS[0].id, largestOpenTrancheRials: null, agencyDiscrepancies: 1 }, // p 0.2 < u 0.2037
      { declarationId: VECTORS[1].id, largestOpenTrancheRials: 5n, agencyDiscrepancies: 1 }, // p 0.2 > u 0.1029
      { declarationId: VECTORS[2].id, largestOpenTrancheRials: 1_000_000n, agencyDiscrepancies: 0 }, // tranche at the line: p 1
      { declarationId: VECTORS[3].id, largestOpenTrancheRials: 999_999n, agencyDiscrepancies: 2 }, // p 0.3 > u 0.2827
    ];
    const drawn = drawSample(SEED, population, parameters);
    expect(drawn.map((d) => [d.probabilityPpm, d.basis, d.selected])).toEqual([
      [200_000, 'agency_risk', false],
      [200_000, 'agency_risk', true],
      [1_000_000, 'tranche_at_or_above', true],
      [300_000, 'agency_risk', true],
    ]);
    // Without the agency's discrepancy the second is not drawn (u 0.1029 ≥ p 0.1); below the line the third is not.
    expect(drawSample(SEED, [{ ...population[1], agencyDiscrepancies: 0 }], parameters)[0].selected).toBe(false);
    expect(drawSample(SEED, [{ ...population[2], largestOpenTrancheRials: 999_999n }], parameters)[0].selected).toBe(false);
  });

  it('compares exactly at the boundary and caps p at 1', () => {
    const half = 1n << 63n;
    expect(isSelected(half, 500_000)).toBe(false);
    expect(isSelected(half - 1n, 500_000)).toBe(true);
    expect(isSelected(0n, 0)).toBe(false);
    expect(isSelected((1n << 64n) - 1n, 1_000_000)).toBe(true);
    expect(selectionProbability({ declarationId: 'x', largestOpenTrancheRials: null, agencyDiscrepancies: 20 }, { baseRatePpm: 100_000, alwaysAboveRials: 0n })).toEqual({
      probabilityPpm: 1_000_000,
      basis: 'agency_risk',
    });
  });

  it('reads rates with at most six decimals and writes them back exactly', () => {
    expect(rateToPpm(0.1)).toBe(100_000);
    expect(rateToPpm(0.000001)).toBe(1);
    expect(rateToPpm(1)).toBe(1_000_000);
    expect(rateToPpm(0.0000001)).toBeNull();
    expect(rateToPpm(1.5)).toBeNull();
    expect(rateToPpm(-0.1)).toBeNull();
    expect([0, 1, 100_000, 250_000, 1_000_000, 123_456].map(ppmText)).toEqual(['0', '0.000001', '0.1', '0.25', '1', '0.123456']);
  });

  it('recomputes a published sample and names what was altered', () => {
    const drawn = drawSample(SEED, VECTORS.map((v) => ({ declarationId: v.id, largestOpenTrancheRials: null, agencyDiscrepancies: 1 })), {
      baseRatePpm: 100_000,
      alwaysAboveRials: 0n,
    });
    const published = {
      seed: SEED,
      baseRate: '0.1',
      draws: drawn.map((d) => ({ declarationId: d.declarationId, draw: String(d.draw), p: ppmText(d.probabilityPpm), basis: d.basis, agencyDiscrepancies: d.agencyDiscrepancies, selected: d.selected })),
    };
    expect(recomputeSample(published)).toEqual([]);
    const steered = { ...published, draws: published.draws.map((d, n) => (n === 0 ? { ...d, selected: !d.selected } : d)) };
    expect(recomputeSample(steered)).toEqual([`${VECTORS[0].id}: selected is ${drawn[0].selected}, published ${!drawn[0].selected}`]);
    expect(recomputeSample({ ...published, seed: 'another' }).length).toBeGreaterThan(0);
  });
});
