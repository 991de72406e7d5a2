// Every EraseBackend against the same contract (test/helpers/erase-conformance.ts). To add a
// backend, add one fixture to FIXTURES (luks: a fixture whose setup() prepares loop devices).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { ataBackend } from '../../../src/erase/ata.js';
import { luksBackend } from '../../../src/erase/luks.js';
import { openTarget } from '../../../src/io/index.js';
import type { Target } from '../../../src/types.js';
import { formatLuks, leaseBuffer, testIdentity } from '../../helpers/luks.js';
import { nvmeBackend } from '../../../src/erase/nvme.js';
import { scsiBackend } from '../../../src/erase/scsi.js';
import {
  describeEraseConformance,
  hardwareFixture,
  type EraseConformanceFixture,
} from '../../helpers/erase-conformance.js';
import { fakeIdentity } from '../../helpers/fake-tools.js';

// A sanitize that stays in progress for a few status reads, then ends as given.
const sanitizeThen = (result: 'completed' | 'failed' | 'never', pollsInProgress = 1) => ({
  sanitize: { result, pollsInProgress },
});

const NVME = hardwareFixture({
  name: 'nvme',
  backend: nvmeBackend,
  identity: fakeIdentity('nvme0n1'),
  tools: ['nvme'],
  strongestTechnique: 'crypto-erase',
  writes: [/^nvme (sanitize|format) /],
  statusReads: [/^nvme sanitize-log /, /^nvme id-ns /],
  scenarios: {
    supported: sanitizeThen('completed', 0),
    unsupported: { nvme: { idCtrl: { sanicap: 0, oacs: 0x14 } } },
    'in-progress': sanitizeThen('completed', 3),
    failed: sanitizeThen('failed', 1),
    'never-completes': sanitizeThen('never'),
    abort: sanitizeThen('never'),
  },
});

const ATA = hardwareFixture({
  name: 'ata',
  backend: ataBackend,
  identity: fakeIdentity('sda', { transport: 'sata' }),
  tools: ['hdparm'],
  strongestTechnique: 'crypto-erase',
  writes: [/--sanitize-(crypto-scramble|block-erase|overwrite)/, /--security-(set-pass|erase|erase-enhanced|disable)/],
  statusReads: [/^hdparm --sanitize-status /, /^hdparm -I /],
  scenarios: {
    supported: sanitizeThen('completed', 0),
    unsupported: { ata: { sanitize: { feature: false, crypto: false, block: false }, security: { supported: false } } },
    frozen: { ata: { sanitize: { feature: false, crypto: false, block: false }, security: { frozen: true } } },
    'in-progress': sanitizeThen('completed', 3),
    failed: sanitizeThen('failed', 1),
    'never-completes': sanitizeThen('never'),
    abort: sanitizeThen('never'),
  },
});

const SCSI = hardwareFixture({
  name: 'scsi',
  backend: scsiBackend,
  identity: fakeIdentity('sdb', { transport: 'sas' }),
  tools: ['sg_inq', 'sg_opcodes', 'sg_sanitize', 'sg_requests'],
  strongestTechnique: 'crypto-erase',
  writes: [/^sg_sanitize /],
  statusReads: [/^sg_requests /],
  scenarios: {
    supported: sanitizeThen('completed', 0),
    unsupported: { scsi: { serviceActions: [] } },
    'in-progress': sanitizeThen('completed', 3),
    failed: sanitizeThen('failed', 1),
    'never-completes': sanitizeThen('never'),
    abort: sanitizeThen('never'),
  },
});

/** One entry per backend. */
const FIXTURES: readonly EraseConformanceFixture[] = [NVME, ATA, SCSI];

for (const fixture of FIXTURES) describeEraseConformance(fixture);

// luks: image files made by the real cryptsetup, the target wrapped so every read and write is an
// operation; "failed" is a device that acknowledges writes but keeps its old content.
describeEraseConformance(luksFixture());

function luksFixture(): EraseConformanceFixture {
  const dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-conformance-luks-' });
  let n = 0;
  return {
    name: 'luks',
    backend: luksBackend,
    strongestTechnique: 'crypto-erase',
    isWrite: (op) => op.startsWith('write '),
    isStatusRead: (op) => op.startsWith('read '),
    abortMessage: /regions were overwritten|nothing was written/,
    // a software backend: no tool to miss, no device kind to refuse, nothing to freeze or to wait for
    states: ['supported', 'unsupported', 'in-progress', 'failed', 'abort'],
    setup: async (state) => {
      const image = join(dir.name, `luks-${n++}.img`);
      writeFileSync(image, Buffer.alloc(24 * 1024 * 1024));
      if (state !== 'unsupported') await formatLuks(image, dir.name, { type: 'luks2', keyslots: 2 });
      const target = await openTarget(image, { access: 'write' });
      const ops: string[] = [];
      const logged: Target = Object.create(target) as Target;
      Object.defineProperty(logged, 'write', {
        value: async (buf: Uint8Array, offset: number) => {
          ops.push(`write ${offset}+${buf.length}`);
          // a failing device: it says the write happened and keeps its content
          return state === 'failed' ? buf.length : target.write(buf, offset);
        },
      });
      Object.defineProperty(logged, 'read', {
        value: async (buf: Uint8Array, offset: number) => {
          ops.push(`read ${offset}+${buf.length}`);
          return target.read(buf, offset);
        },
      });
      return {
        identity: testIdentity(image, target.sizeBytes),
        target: logged,
        leaseBuffer,
        operations: () => [...ops],
        cleanup: () => target.close(),
      };
    },
  };
}
