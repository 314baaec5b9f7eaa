import { AUDIENCE_RULES, nextLevel, partyFor, STALL_REASONS, TOP_LEVEL } from '@pelekan/core';
import { audienceMemberSql, climbableLevelsSql, ladderValuesSql, nextLevelSql, partySql, sqlText } from './escalation-sweep.sql';

describe('the sweep SQL, generated from the core ladder', () => {
  it('names the party of every stall reason as core partyFor does', () => {
    const sql = partySql('s.reason');
    for (const reason of STALL_REASONS) expect(sql).toContain(`WHEN '${reason}' THEN '${partyFor(reason)}'`);
  });

  it('climbs each level to core nextLevel, and stops at the top level', () => {
    expect(nextLevelSql('c.level')).toBe(`CASE c.level WHEN 1 THEN ${nextLevel(1)} WHEN 2 THEN ${nextLevel(2)} WHEN 3 THEN ${nextLevel(3)} WHEN 4 THEN ${nextLevel(4)} END`);
    expect(climbableLevelsSql().split(', ').map(Number)).toEqual([1, 2, 3].filter((l) => l < TOP_LEVEL));
  });

  it('lists the audience of every (level, party) and checks every audience rule', () => {
    expect(ladderValuesSql()).toContain(`(4, 'agency', 'council'`);
    expect(ladderValuesSql()).toContain(`(1, 'committee', 'committee'`);
    const member = audienceMemberSql('ladder.audience', 'u', 'i.owner_agency_id');
    for (const [audience, rule] of Object.entries(AUDIENCE_RULES)) expect(member).toContain(`WHEN '${audience}' THEN u.role = '${rule.role}'`);
  });

  it('quotes literals', () => {
    expect(sqlText("it's")).toBe("'it''s'");
  });
});
