// scsi backend against fake sg3_utils: parsing of sg_inq / sg_opcodes / sg_requests, what probe
// offers, and the sg_sanitize flags per technique.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequestSense, parseSanitizeServiceActions, parseSgInq, scsiBackend } from '../../../src/erase/scsi.js';
import {
  FAKE_TOOLS_DIR,
  fakeIdentity,
  type FakeScenario,
  hardwareContext,
  useFakeTools,
} from '../../helpers/fake-tools.js';

// The fake sg3_utils for one test, and the context of a SAS disk.
const useFakes = (scenario: FakeScenario) =>
  useFakeTools(scenario, ['sg_inq', 'sg_opcodes', 'sg_sanitize', 'sg_requests']);
const ctx = (extra: Parameters<typeof hardwareContext>[1] = {}) =>
  hardwareContext(fakeIdentity('sdb', { transport: 'sas' }), extra);

const capture = (name: string) => readFileSync(join(FAKE_TOOLS_DIR, 'captures', name), 'utf8');

describe('sg3_utils output parsing', () => {
  it('reads the standard INQUIRY of sg_inq', () => {
    expect(parseSgInq(capture('sg_inq-sas-hdd.txt'))).toEqual({
      vendor: 'SEAGATE',
      product: 'ST4000NM0295',
      revision: 'DT31',
      peripheralType: 'disk',
    });
  });

  it('lists the SANITIZE service actions of sg_opcodes', () => {
    expect(parseSanitizeServiceActions(capture('sg_opcodes-sas-hdd.txt'))).toEqual([1, 2, 3, 0x1f]);
  });

  it.for([
    ['Progress indication: 42.50% done\n', 'in-progress', 42.5],
    ['', 'pending', null],
    [
      ' Fixed format, current; Sense key: No Sense\n Additional sense: No additional sense information\n',
      'completed',
      null,
    ],
    [' Fixed format, current; Sense key: Medium Error\n Additional sense: Sanitize command failed\n', 'failed', null],
    [
      ' Fixed format, current; Sense key: Unit Attention\n Additional sense: Power on, reset, or bus device reset occurred\n',
      'pending',
      null,
    ],
  ] as const)('classifies sg_requests output %#', ([text, state, percent]) => {
    const reading = parseRequestSense(text);
    expect(reading.state).toBe(state);
    expect(reading.percent).toBe(percent);
  });
});

describe('scsi probe', () => {
  it('offers crypto, block and overwrite sanitize from REPORT SUPPORTED OPERATION CODES', async () => {
    const fakes = useFakes({});
    const capability = await scsiBackend.probe(ctx());
    expect(capability).toMatchObject({ supported: true, techniques: ['crypto-erase', 'block-erase', 'overwrite'] });
    expect(capability.facts).toMatchObject({ vendor: 'SEAGATE', sanitizeServiceActions: '0x1,0x2,0x3,0x1f' });
    expect(fakes.calls().map((c) => c.tool)).toEqual(['sg_inq', 'sg_opcodes']);
  });

  it('offers only what is listed', async () => {
    useFakes({ scsi: { serviceActions: [2] } });
    expect((await scsiBackend.probe(ctx())).techniques).toEqual(['block-erase']);
  });

  it('refuses when sg_opcodes cannot report the opcodes (cannot decide)', async () => {
    useFakes({ scsi: { opcodesFails: true } });
    expect((await scsiBackend.probe(ctx())).reason).toMatch(
      /cannot tell whether \/dev\/sdb supports SANITIZE.*Invalid opcode/,
    );
  });

  it('refuses a unit that is not a disk', async () => {
    useFakes({ scsi: { peripheralType: 'tape' } });
    expect((await scsiBackend.probe(ctx())).reason).toBe('/dev/sdb is a SCSI tape device, not a disk');
  });

  it('refuses a SATA drive and points to the ata backend', async () => {
    const capability = await scsiBackend.probe(ctx({ identity: fakeIdentity('sda', { transport: 'sata' }) }));
    expect(capability.reason).toMatch(/not SAS\/SCSI.*use ata for SATA/);
  });
});

describe('scsi erase', () => {
  it.for([
    ['crypto-erase', 'sg_sanitize --quick --early --crypto /dev/sdb'],
    ['block-erase', 'sg_sanitize --quick --early --block /dev/sdb'],
    ['overwrite', 'sg_sanitize --quick --early --overwrite --zero /dev/sdb'],
  ] as const)('starts %s without the 15 s wait and polls REQUEST SENSE', async ([technique, command]) => {
    useFakes({ sanitize: { pollsInProgress: 2 } });
    const outcome = await scsiBackend.erase(ctx(), await scsiBackend.probe(ctx()), technique);
    expect(outcome.commands).toEqual([command, 'sg_requests --progress /dev/sdb (×3)', 'sg_requests /dev/sdb']);
    expect(outcome.evidence).toMatchObject({
      method: 'sanitize',
      sense: 'Sense key: No Sense; Additional sense: No additional sense information',
    });
  });

  it('reports a rejected SANITIZE as ERR_ERASE_FAILED', async () => {
    useFakes({ sanitize: { reject: true } });
    const error = await scsiBackend.erase(ctx(), await scsiBackend.probe(ctx())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ERASE_FAILED', step: 'sanitize', target: '/dev/sdb' });
  });
});
