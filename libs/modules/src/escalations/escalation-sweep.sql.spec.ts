import { AUDIENCE_RULES, derivedLevel, levelCutoffs, parseEscalationPeriod, partyFor, STALL_REASONS, TOP_LEVEL } from '@pelekan/core';
import { caseLevelSql, CUTOFF_COUNT, derivedLevelSql, ladderValuesSql, partySql, recipientsSql, sqlText } from './escalation-sweep.sql';

describe('the sweep SQL, generated from the core ladder', () => {
  it('names the party of every stall reason as core partyFor does', () => {
    const sql = partySql('s.reason');
    for (const reason of STALL_REASONS) expect(sql).toContain(`WHEN '${reason}' THEN '${partyFor(reason)}'`);
  });

  it('derives a level as core derivedLevel does: one more per cutoff at or after the recorded instant, never past the top', () => {
    const cutoffs = levelCutoffs(new Date('2026-05-10T12:00:00Z'), parseEscalationPeriod('30 days'));
    expect(cutoffs).toHaveLength(CUTOFF_COUNT);
    expect(derivedLevelSql('c.level', 'c.since', '$1')).toBe(
      `least(${TOP_LEVEL}, c.level + ${cutoffs.map((_, k) => `coalesce(c.since <= ($1)[${k + 1}], false)::int`).join(' + ')})::smallint`,
    );
    // As many terms as core counts cutoffs, so a case recorded before all of them reaches the top.
    expect(derivedLevel(1, new Date(0), cutoffs)).toBe(TOP_LEVEL);
    expect(caseLevelSql('c', '$1')).toContain(`WHEN c.status = 'open' THEN least(`);
    expect(caseLevelSql('c', '$1')).toContain('ELSE coalesce(c.frozen_level, c.level) END');
  });

  it('lists the audience of every (level, party), and finds every audience rule’s people', () => {
    expect(ladderValuesSql()).toContain(`(4, 'agency', 'council'`);
    expect(ladderValuesSql()).toContain(`(1, 'committee', 'committee'`);
    expect(ladderValuesSql()).toMatch(/\(1, 'agency', 'owner_focal_points', '[^']+', '[^']+', true\)/);
    const recipients = recipientsSql();
    for (const [audience, rule] of Object.entries(AUDIENCE_RULES)) {
      const scope = rule.ofOwnerAgency ? 'u.organization_id::text' : `'all'`;
      expect(recipients).toContain(`SELECT '${audience}' AS audience, ${scope} AS scope, u.id AS user_id FROM users u WHERE u.active AND u.role = '${rule.role}'`);
    }
  });

  it('quotes literals', () => {
    expect(sqlText("it's")).toBe("'it''s'");
  });
});
