// Runs the GUARDS table against one target: every guard, confirmed last, unreadable input → refuse.
import { SYSTEM_STATE_SOURCES } from '../devices/index.js';
import { CleanslateError, type ErrorCode } from '../errors/index.js';
import type { DeviceIdentity } from '../types.js';
import type { Guard, GuardContext, GuardOutcome, GuardResult } from './guard.js';
import { UndecidableInputError } from './members.js';
import { GUARDS } from './table.js';

// Runs one guard; a missing input or anything thrown becomes an ERR_GUARD_UNDECIDABLE refusal, never a pass.
export async function checkGuard(guard: Guard, identity: DeviceIdentity, ctx: GuardContext): Promise<GuardOutcome> {
  for (const input of guard.inputs[identity.kind]) {
    const value = ctx.system[input];
    if (!value.ok) return undecidable(guard, `cannot read ${SYSTEM_STATE_SOURCES[input]} (${value.error})`);
  }
  try {
    return await guard.check(identity, ctx);
  } catch (err) {
    return undecidable(
      guard,
      err instanceof UndecidableInputError
        ? err.message
        : `check failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

// Runs every guard in table order. The user is asked to confirm only when every other guard passed;
// otherwise `confirmed` refuses as "not asked".
export async function runGuards(identity: DeviceIdentity, ctx: GuardContext): Promise<GuardResult[]> {
  const results: GuardResult[] = [];
  for (const guard of GUARDS as readonly Guard[]) {
    const refused = results.find((r) => r.outcome.verdict === 'refuse');
    if (guard.id === 'confirmed' && refused) {
      results.push({
        id: guard.id,
        outcome: { verdict: 'refuse', code: 'ERR_GUARD_UNCONFIRMED', reason: `not asked: guard ${refused.id} refused` },
      });
      continue;
    }
    results.push({ id: guard.id, outcome: await checkGuard(guard, identity, ctx) });
  }
  return results;
}

// Every guard but `confirmed`, for the `devices` listing: would cleanslate wipe this if asked?
export async function evaluateGuards(identity: DeviceIdentity, ctx: GuardContext): Promise<GuardResult[]> {
  const results: GuardResult[] = [];
  for (const guard of GUARDS as readonly Guard[]) {
    if (guard.id === 'confirmed') continue;
    results.push({ id: guard.id, outcome: await checkGuard(guard, identity, ctx) });
  }
  return results;
}

// Runs every guard and throws a CleanslateError (exit 3) for the first refusal; resolves the results when all pass.
export async function assertGuards(identity: DeviceIdentity, ctx: GuardContext): Promise<GuardResult[]> {
  const results = await runGuards(identity, ctx);
  for (const { id, outcome } of results) {
    if (outcome.verdict === 'refuse') {
      throw new CleanslateError(outcome.code, `refused by safety guard ${id}: ${outcome.reason}`, {
        target: identity.path,
        step: `guard:${id}`,
      });
    }
  }
  return results;
}

// The first refusal of a result list, or null when every guard passed.
export function firstRefusal(results: readonly GuardResult[]): { id: string; code: ErrorCode; reason: string } | null {
  for (const { id, outcome } of results) {
    if (outcome.verdict === 'refuse') return { id, code: outcome.code, reason: outcome.reason };
  }
  return null;
}

function undecidable(guard: Guard, why: string): GuardOutcome {
  return {
    verdict: 'refuse',
    code: 'ERR_GUARD_UNDECIDABLE',
    reason: `${guard.id} cannot decide: ${why}; refusing rather than assuming it is safe`,
  };
}
