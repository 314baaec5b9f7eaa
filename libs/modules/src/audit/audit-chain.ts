import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditRepository, type SealCheckRow } from './audit.repository';

export interface AuditVerification {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** The first row that was edited, removed or inserted out of the chain; null when ok. */
  firstBadId: string | null;
  problem: string | null;
  /** The chain's head: record it elsewhere to detect a rewrite of the whole chain later. */
  head: { id: string; hash: string };
  /** HMAC seals checked, and the last row they cover (rows after it are not sealed yet). */
  seals: { checked: number; sealedUpTo: string | null };
}

const SEAL_PAGE = 5000;
const repository = new AuditRepository();

/** The seal over a chain head: an HMAC under AUDIT_KEY, a key the database never sees. */
export function sealMac(key: string, seal: { uptoId: string; headHash: string; prevUptoId: string | null }): string {
  return createHmac('sha256', key).update(`pelekan-audit-seal\n${seal.uptoId}\n${seal.headHash}\n${seal.prevUptoId ?? ''}`).digest('hex');
}

/**
 * What is wrong with one seal, or null: made with another key (forged or altered), the sealed row
 * rewritten and the chain recomputed since, or the seal before it removed.
 */
export function sealProblem(key: string, seal: SealCheckRow, sealedUpTo: string | null): string | null {
  const expected = Buffer.from(sealMac(key, seal), 'hex');
  const actual = Buffer.from(seal.mac, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return `the seal over row ${seal.uptoId} was not made with this AUDIT_KEY (forged or altered)`;
  }
  if (seal.logHash !== seal.headHash) {
    return (
      `rows ${BigInt(sealedUpTo ?? '0') + 1n} to ${seal.uptoId} were rewritten and the chain recomputed: ` +
      `row ${seal.uptoId}'s hash differs from the one sealed with AUDIT_KEY`
    );
  }
  if (!seal.prevFound) return `the seal before row ${seal.uptoId} (over row ${seal.prevUptoId}) is missing`;
  return null;
}

/** Seals the chain's current head inside `tx`, if it moved since the last seal. Safe to run from several processes at once. */
export async function sealAuditHead(tx: EntityManager, key: string): Promise<{ uptoId: string } | null> {
  const head = await repository.head(tx);
  if (!head || head.uptoId === '0') return null;
  const last = await repository.lastSealedId(tx);
  if (last !== null && BigInt(last) >= BigInt(head.uptoId)) return null;
  const seal = { uptoId: head.uptoId, headHash: head.headHash, prevUptoId: last };
  await repository.insertSeal(tx, { ...seal, mac: sealMac(key, seal) });
  return { uptoId: seal.uptoId };
}

/** Shared by the endpoint and the `verify-audit` command: the chain in PostgreSQL, then every seal with the key. */
export async function verifyAuditChain(source: EntityManager | DataSource, key: string): Promise<AuditVerification> {
  const m = source instanceof DataSource ? source.manager : source;
  const chain = await repository.checkChain(m);
  const result: AuditVerification = {
    ok: chain.ok,
    checked: Number(chain.checked),
    firstBadId: chain.firstBadId,
    problem: chain.problem,
    head: { id: chain.headId, hash: chain.headHash },
    seals: { checked: 0, sealedUpTo: null },
  };
  let after = '0';
  for (;;) {
    const seals = await repository.sealsAfter(m, after, SEAL_PAGE);
    for (const seal of seals) {
      const problem = sealProblem(key, seal, result.seals.sealedUpTo);
      if (problem) {
        if (result.ok) {
          result.ok = false;
          // The rewrite lies after the last seal that still holds.
          result.firstBadId = seal.logHash !== seal.headHash ? String(BigInt(result.seals.sealedUpTo ?? '0') + 1n) : seal.uptoId;
          result.problem = problem;
        }
        return result;
      }
      result.seals.checked++;
      result.seals.sealedUpTo = seal.uptoId;
    }
    if (seals.length < SEAL_PAGE) return result;
    after = seals[seals.length - 1].uptoId;
  }
}
