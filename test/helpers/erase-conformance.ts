// One conformance suite every EraseBackend passes (restic backend/test.Suite): a backend joins by
// adding one EraseConformanceFixture to test/unit/erase/conformance.test.ts. A fixture prepares its
// device for each state (fake tools for hardware, loop devices for luks) and says which logged
// operations write and which read a status; the suite checks the contract of src/erase/backend.ts.
import { describe, expect, it } from 'vitest';
import { CleanslateError } from '../../src/errors/index.js';
import type {
  EraseBackend,
  EraseCapability,
  EraseContext,
  EraseOutcome,
  EraseTechnique,
} from '../../src/erase/backend.js';
import type { DeviceIdentity, Target } from '../../src/types.js';
import {
  forbiddenLeaseBuffer,
  forbiddenTarget,
  installFakeTools,
  loopIdentity,
  type FakeScenario,
  type FakeToolName,
} from './fake-tools.js';

/** The device states the suite runs every backend through. */
export const CONFORMANCE_STATES = [
  'supported',
  'unsupported',
  'wrong-kind',
  'missing-tool',
  'frozen',
  'in-progress',
  'failed',
  'never-completes',
  'abort',
] as const;

export type ConformanceState = (typeof CONFORMANCE_STATES)[number];

/** A device prepared for one state. */
export interface ConformanceEnv {
  identity: DeviceIdentity;
  target: Target;
  /** Aligned buffers for I/O through `target` (a throwing stub for hardware backends). */
  leaseBuffer: EraseContext['leaseBuffer'];
  /** Operations run so far, one string each ("nvme sanitize /dev/nvme0 --sanact=4"). */
  operations(): string[];
  cleanup(): void | Promise<void>;
}

export interface EraseConformanceFixture {
  name: string;
  backend: EraseBackend;
  /** The states that apply to this backend (frozen is ATA's; missing-tool is not the software backend's). */
  states: readonly ConformanceState[];
  /** Prepares the device for a state (one of `states`). */
  setup(state: ConformanceState): ConformanceEnv | null | Promise<ConformanceEnv | null>;
  /** True for an operation that changes the device (starts an erase, sets a password, writes). */
  isWrite(operation: string): boolean;
  /** True for an operation that reads the erase status (what proves completion). */
  isStatusRead(operation: string): boolean;
  /** The technique the supported device offers first. */
  strongestTechnique: EraseTechnique;
  /** Reason expected when the tool is missing. @default /not installed/ */
  missingToolReason?: RegExp;
  /** Reason expected for the frozen state. @default /frozen/ */
  frozenReason?: RegExp;
  /** What an abort's message must say. @default /keeps/ (a drive keeps sanitizing on its own) */
  abortMessage?: RegExp;
}

/** Tiny polls; a generous deadline (each fake tool is a node process: slow on a loaded CI machine). "never completes" sets its own. */
const FAST = { pollIntervalMs: 5, timeoutMs: 30_000 } as const;

// Builds the context of one run.
function contextOf(env: ConformanceEnv, extra: Partial<Omit<EraseContext, 'leaseBuffer'>> = {}): EraseContext {
  return { identity: env.identity, target: env.target, leaseBuffer: env.leaseBuffer, ...FAST, ...extra };
}

// Probes and returns the capability plus the operations the probe ran.
async function probeLogged(
  fixture: EraseConformanceFixture,
  env: ConformanceEnv,
): Promise<{ capability: EraseCapability; ops: string[] }> {
  const before = env.operations().length;
  const capability = await fixture.backend.probe(contextOf(env));
  return { capability, ops: env.operations().slice(before) };
}

// Awaits a promise that must reject with a CleanslateError and returns it.
async function rejection(promise: Promise<unknown>): Promise<CleanslateError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CleanslateError);
  return error as CleanslateError;
}

// Checks the shape every outcome must have.
function expectWellFormed(fixture: EraseConformanceFixture, outcome: EraseOutcome): void {
  expect(outcome.backend).toBe(fixture.backend.id);
  expect(outcome.commands.length).toBeGreaterThan(0);
  expect(Date.parse(outcome.startedAt)).not.toBeNaN();
  expect(Date.parse(outcome.endedAt)).toBeGreaterThanOrEqual(Date.parse(outcome.startedAt));
  expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  expect(Object.keys(outcome.evidence).length).toBeGreaterThan(0);
  for (const value of Object.values(outcome.evidence))
    expect(['string', 'number', 'boolean', 'object']).toContain(typeof value);
}

// Checks that a status read came after the last write: success only after completion was observed.
function expectCompletionObserved(fixture: EraseConformanceFixture, ops: string[]): void {
  const lastWrite = ops.map((op) => fixture.isWrite(op)).lastIndexOf(true);
  const lastRead = ops.map((op) => fixture.isStatusRead(op)).lastIndexOf(true);
  expect(lastWrite).toBeGreaterThanOrEqual(0);
  expect(lastRead).toBeGreaterThan(lastWrite);
}

// Runs the whole suite for one backend.
export function describeEraseConformance(fixture: EraseConformanceFixture): void {
  describe(`EraseBackend conformance: ${fixture.name}`, () => {
    // Prepares the state, skips when it does not apply, always cleans up.
    // States that do not apply to the backend are not registered at all (no skips to explain).
    const withState = (state: ConformanceState, body: (env: ConformanceEnv) => Promise<void>) =>
      fixture.states.includes(state) &&
      it(state, async () => {
        const env = await fixture.setup(state);
        if (env === null) throw new Error(`${fixture.name}: no setup for state ${state}`);
        try {
          await body(env);
        } finally {
          await env.cleanup();
        }
      });

    withState('supported', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      expect(capability).toMatchObject({ backend: fixture.backend.id, supported: true });
      expect(capability.techniques[0]).toBe(fixture.strongestTechnique);
      expect(capability.reason.length).toBeGreaterThan(0);
      const outcome = await fixture.backend.erase(contextOf(env), capability);
      expectWellFormed(fixture, outcome);
      expect(outcome.technique).toBe(fixture.strongestTechnique);
      expectCompletionObserved(fixture, env.operations());
    });

    withState('unsupported', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      expect(capability).toMatchObject({ supported: false, techniques: [] });
      expect(capability.reason.length).toBeGreaterThan(0);
      const error = await rejection(fixture.backend.erase(contextOf(env), capability));
      expect(error.code).toBe('ERR_ERASE_UNSUPPORTED');
      expect(error.exitCode).toBe(6);
      const forged = { ...capability, supported: true, techniques: [fixture.strongestTechnique] };
      const wrongTechnique = await rejection(
        fixture.backend.erase(contextOf(env), forged, 'overwrite-unknown' as EraseTechnique),
      );
      expect(wrongTechnique.code).toBe('ERR_ERASE_UNSUPPORTED');
      expect(env.operations().filter(fixture.isWrite)).toEqual([]);
    });

    withState('wrong-kind', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(capability.supported).toBe(false);
      expect(capability.reason).toMatch(/loop3|not/);
      expect(ops).toEqual([]);
      const error = await rejection(fixture.backend.erase(contextOf(env), capability));
      expect(error.code).toBe('ERR_ERASE_UNSUPPORTED');
      expect(env.operations()).toEqual([]);
    });

    withState('missing-tool', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      expect(capability.supported).toBe(false);
      expect(capability.reason).toMatch(fixture.missingToolReason ?? /not installed/);
    });

    withState('frozen', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      expect(capability.supported).toBe(false);
      expect(capability.reason).toMatch(fixture.frozenReason ?? /frozen/);
      const error = await rejection(fixture.backend.erase(contextOf(env), capability));
      expect(error.code).toBe('ERR_ERASE_UNSUPPORTED');
      expect(env.operations().filter(fixture.isWrite)).toEqual([]);
    });

    withState('in-progress', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      const progress: number[] = [];
      const outcome = await fixture.backend.erase(
        contextOf(env, { onProgress: (p) => progress.push(p.percent) }),
        capability,
      );
      expectWellFormed(fixture, outcome);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      for (const percent of progress) expect(percent).toBeGreaterThanOrEqual(0);
      for (const percent of progress) expect(percent).toBeLessThanOrEqual(100);
      expectCompletionObserved(fixture, env.operations());
      expect(env.operations().filter(fixture.isStatusRead).length).toBeGreaterThanOrEqual(3);
    });

    withState('failed', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      const error = await rejection(fixture.backend.erase(contextOf(env), capability));
      expect(error.code).toBe('ERR_ERASE_FAILED');
      expect(error.exitCode).toBe(4);
    });

    withState('never-completes', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      const error = await rejection(fixture.backend.erase(contextOf(env, { timeoutMs: 60 }), capability));
      expect(error.code).toBe('ERR_ERASE_TIMEOUT');
      expect(error.exitCode).toBe(4);
    });

    withState('abort', async (env) => {
      const { capability, ops } = await probeLogged(fixture, env);
      expect(ops.filter(fixture.isWrite)).toEqual([]);
      const controller = new AbortController();
      const run = fixture.backend.erase(
        contextOf(env, { signal: controller.signal, timeoutMs: 60_000, onProgress: () => controller.abort() }),
        capability,
      );
      const error = await rejection(run);
      expect(error.code).toBe('ERR_INTERRUPTED');
      expect(error.exitCode).toBe(130);
      expect(error.message).toMatch(fixture.abortMessage ?? /keeps/);
    });
  });
}

/** A hardware backend driven by fake tools: one scenario per state it supports. */
export interface HardwareFixtureOptions {
  name: string;
  backend: EraseBackend;
  identity: DeviceIdentity;
  tools: readonly FakeToolName[];
  /** Scenario per state; a state without one is skipped (wrong-kind and missing-tool need none). */
  scenarios: Partial<Record<ConformanceState, FakeScenario>>;
  writes: readonly RegExp[];
  statusReads: readonly RegExp[];
  strongestTechnique: EraseTechnique;
}

// Builds the fixture of a hardware backend: fake tools on PATH, the argv log as the operations.
export function hardwareFixture(options: HardwareFixtureOptions): EraseConformanceFixture {
  return {
    name: options.name,
    backend: options.backend,
    strongestTechnique: options.strongestTechnique,
    isWrite: (op) => options.writes.some((pattern) => pattern.test(op)),
    isStatusRead: (op) => options.statusReads.some((pattern) => pattern.test(op)),
    states: CONFORMANCE_STATES.filter(
      (state) => options.scenarios[state] !== undefined || state === 'wrong-kind' || state === 'missing-tool',
    ),
    setup: (state) => {
      const scenario = options.scenarios[state] ?? (state === 'wrong-kind' || state === 'missing-tool' ? {} : null);
      if (scenario === null) return null;
      const fakes = installFakeTools(scenario, { tools: state === 'missing-tool' ? [] : options.tools });
      return {
        identity: state === 'wrong-kind' ? loopIdentity() : options.identity,
        target: forbiddenTarget(),
        leaseBuffer: forbiddenLeaseBuffer(),
        operations: () => fakes.calls().map((call) => [call.tool, ...call.argv].join(' ')),
        cleanup: () => fakes.restore(),
      };
    },
  };
}
