import { findCycle, FULL_WEIGHT, formatHundredths, parseRials, sumRials, weightToHundredths } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { FieldProblem, InvalidInput } from '../common/errors';
import type { Project } from '../projects/project.entity';
import { ActionPlanDto } from './dto';

export interface PlanContext {
  leadAgencyId: string | null;
  projectAgencyIds: ReadonlySet<string>;
  budgetRials: bigint | null;
}

/**
 * Checks a whole action plan and reports every problem at once, each against its field. A cycle is
 * reported on its own, naming the items that form it.
 */
export function validatePlan(dto: ActionPlanDto, ctx: PlanContext): void {
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  let weightSum = 0;

  dto.items.forEach((item, i) => {
    if (seen.has(item.code)) problems.push({ field: `items[${i}].code`, reason: `duplicate code "${item.code}"` });
    seen.set(item.code, i);
    weightSum += weightToHundredths(item.weight);
    if (Date.parse(item.plannedEnd) <= Date.parse(item.plannedStart)) {
      problems.push({ field: `items[${i}].plannedEnd`, reason: 'must be after plannedStart' });
    }
    const owner = item.ownerAgencyId ?? ctx.leadAgencyId;
    if (!owner) {
      problems.push({ field: `items[${i}].ownerAgencyId`, reason: 'the project has no lead agency; name the owner' });
    } else if (!ctx.projectAgencyIds.has(owner)) {
      problems.push({ field: `items[${i}].ownerAgencyId`, reason: 'is not the lead or a collaborating agency of this project' });
    }
  });

  if (weightSum !== FULL_WEIGHT) {
    problems.push({
      field: 'items',
      reason: `weights sum to ${formatHundredths(weightSum)}; they must sum to exactly 100`,
    });
  }

  if (ctx.budgetRials !== null) {
    const total = sumRials(dto.items.map((i) => parseRials(i.budgetRials)));
    if (total > ctx.budgetRials) {
      problems.push({
        field: 'items',
        reason: `item budgets sum to ${total} rials, more than the project budget of ${ctx.budgetRials}`,
      });
    }
  }

  const pairs = new Set<string>();
  dto.links.forEach((link, j) => {
    if (!seen.has(link.from)) problems.push({ field: `links[${j}].from`, reason: `no item with code "${link.from}"` });
    if (!seen.has(link.to)) problems.push({ field: `links[${j}].to`, reason: `no item with code "${link.to}"` });
    const key = `${link.from}\u0000${link.to}`;
    if (pairs.has(key)) problems.push({ field: `links[${j}]`, reason: `duplicate link ${link.from} → ${link.to}` });
    pairs.add(key);
  });

  if (problems.length > 0) throw new InvalidInput(problems);
  assertAcyclic(dto.links);
}

/** 400 naming the cycle, e.g. "the links form a cycle: 1 → 3 → 5 → 1". */
export function assertAcyclic(links: ReadonlyArray<{ from: string; to: string }>, field = 'links'): void {
  const cycle = findCycle(links);
  if (cycle) {
    throw InvalidInput.field(field, `the links form a cycle: ${cycle.join(' → ')}`, { cycle });
  }
}

/** validatePlan against the project as stored: its lead and collaborating agencies and its budget. */
export async function validatePlanOf(tx: EntityManager, project: Project, dto: ActionPlanDto): Promise<void> {
  const agencies: Array<{ organization_id: string }> = await tx.query(
    'SELECT organization_id FROM project_agencies WHERE project_id = $1',
    [project.id],
  );
  validatePlan(dto, {
    leadAgencyId: project.leadAgencyId,
    projectAgencyIds: new Set(agencies.map((a) => a.organization_id)),
    budgetRials: project.budgetRials,
  });
}
