// Fake nvme / hdparm / sg3_utils for the erase-backend tests (STYLE §7.8, execa-style fake
// executables): a scenario directory holds scenario.json and the device state, and PATH is set to
// a bin directory holding ONLY the chosen fakes and `node`, so no real tool can ever be reached.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';
import type { EraseContext } from '../../src/erase/backend.js';
import type { DeviceIdentity, Target } from '../../src/types.js';

export const FAKE_TOOLS_DIR = resolve(import.meta.dirname, '../fixtures/fake-tools');

export type FakeToolName = 'nvme' | 'hdparm' | 'sg_inq' | 'sg_opcodes' | 'sg_sanitize' | 'sg_requests';

export const ALL_FAKE_TOOLS: readonly FakeToolName[] = [
  'nvme',
  'hdparm',
  'sg_inq',
  'sg_opcodes',
  'sg_sanitize',
  'sg_requests',
];

/** What the fakes answer; read by test/fixtures/fake-tools/fake-tool.mjs. */
export interface FakeScenario {
  /** How a sanitize goes once started: status reads answering "in progress", then the end state. */
  sanitize?: { pollsInProgress?: number; result?: 'completed' | 'failed' | 'never'; reject?: boolean };
  /** Sanitize state before the test (a sanitize left running by someone else). @default 'idle' */
  initialSanitize?: 'idle' | 'in-progress' | 'completed' | 'failed';
  nvme?: {
    /** Fields merged over the id-ctrl capture (sanicap, fna, oacs, nn, sn ...). */
    idCtrl?: Record<string, unknown>;
    /** Fields that differ when id-ctrl is read through the namespace (multipath mix-up). */
    idCtrlViaNamespace?: Record<string, unknown>;
    activeNs?: number[];
    allocatedNs?: number[];
    listNsFails?: boolean;
    estimates?: Record<string, number>;
    formatFails?: boolean;
  };
  ata?: {
    sanitize?: { feature?: boolean; crypto?: boolean; block?: boolean };
    security?: { supported?: boolean; enabled?: boolean; locked?: boolean; frozen?: boolean; enhanced?: boolean };
    sanitizeFrozen?: boolean;
    eraseFails?: boolean;
    disableFails?: boolean;
  };
  scsi?: { serviceActions?: number[]; opcodesFails?: boolean; peripheralType?: string };
}

/** One fake-tool call as logged: the tool and its argv. */
export interface FakeToolCall {
  tool: FakeToolName;
  argv: string[];
}

export interface FakeToolsHandle {
  dir: string;
  /** Every call so far, in order. */
  calls(): FakeToolCall[];
  /** The fake device state (sanitize status, polls, ATA security). */
  state(): Record<string, unknown> | null;
  /** Restores PATH and the FAKE_TOOL_* variables and removes the directory. */
  restore(): void;
}

export interface FakeToolsOptions {
  /** Fakes to put on PATH. @default all */
  tools?: readonly FakeToolName[];
}

// Creates a scenario directory, points PATH at the chosen fakes only and returns a handle.
export function installFakeTools(scenario: FakeScenario, options: FakeToolsOptions = {}): FakeToolsHandle {
  const dir = mkdtempSync(join(tmpdir(), 'cleanslate-fake-tools-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  for (const tool of options.tools ?? ALL_FAKE_TOOLS) symlinkSync(join(FAKE_TOOLS_DIR, tool), join(bin, tool));
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario, null, 2));
  const log = join(dir, 'calls.jsonl');
  writeFileSync(log, '');
  const saved = {
    PATH: process.env.PATH,
    FAKE_TOOL_SCENARIO: process.env.FAKE_TOOL_SCENARIO,
    FAKE_TOOL_LOG: process.env.FAKE_TOOL_LOG,
  };
  Object.assign(process.env, { PATH: bin, FAKE_TOOL_SCENARIO: dir, FAKE_TOOL_LOG: log });
  return {
    dir,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FakeToolCall),
    state: () =>
      existsSync(join(dir, 'state.json'))
        ? (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>)
        : null,
    restore: () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A block-device identity built by hand (the fakes never look at a device).
export function fakeIdentity(name: string, overrides: Partial<DeviceIdentity> = {}): DeviceIdentity {
  const realPath = `/dev/${name}`;
  return {
    path: realPath,
    realPath,
    kind: 'block',
    name,
    majorMinor: '259:0',
    statKey: 'rdev:259:0',
    sizeBytes: 1_000_204_886_016,
    logicalBlockSize: 512,
    physicalBlockSize: 512,
    model: 'FAKE',
    vendor: null,
    serial: 'FAKE-SERIAL',
    wwn: null,
    transport: name.startsWith('nvme') ? 'nvme' : 'sata',
    rotational: false,
    readOnly: false,
    loopBackingFile: null,
    parentName: null,
    partitions: [],
    id: `sha256:${'0'.repeat(64)}`,
    ...overrides,
  };
}

// A loop-device identity: no hardware backend may act on it.
export function loopIdentity(): DeviceIdentity {
  return fakeIdentity('loop3', {
    transport: null,
    loopBackingFile: '/tmp/disk.img',
    majorMinor: '7:3',
    statKey: 'rdev:7:3',
  });
}

// A Target that throws on any use: hardware backends must never read or write through it.
export function forbiddenTarget(): Target {
  const refuse = (): never => {
    throw new Error('hardware erase backends must not use ctx.target');
  };
  return new Proxy({} as Target, { get: refuse });
}

// A leaseBuffer that throws: hardware backends never do I/O through the target.
export function forbiddenLeaseBuffer(): (length: number) => { buffer: Uint8Array; release(): void } {
  return () => {
    throw new Error('hardware erase backends must not lease I/O buffers');
  };
}

// Installs the fakes for the current test only (restored when it finishes).
export function useFakeTools(scenario: FakeScenario, tools: readonly FakeToolName[]): FakeToolsHandle {
  const fakes = installFakeTools(scenario, { tools });
  onTestFinished(() => fakes.restore());
  return fakes;
}

// The erase context of a hardware backend's unit test: the device is only ever touched through its
// tools, so target and aligned memory throw if used; tiny polls with a generous deadline.
export function hardwareContext(
  identity: DeviceIdentity,
  extra: Partial<Omit<EraseContext, 'leaseBuffer'>> = {},
): EraseContext {
  return {
    identity,
    target: forbiddenTarget(),
    leaseBuffer: forbiddenLeaseBuffer(),
    pollIntervalMs: 5,
    timeoutMs: 30_000,
    ...extra,
  };
}
