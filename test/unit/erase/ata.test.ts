// ata backend against fake hdparm: parsing of hdparm -I / --sanitize-status, what probe offers,
// and the enhanced security erase with its temporary password (masked, cleaned up on failure).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ataBackend, parseHdparmIdentify, parseSanitizeStatus } from '../../../src/erase/ata.js';
import {
  FAKE_TOOLS_DIR,
  fakeIdentity,
  type FakeScenario,
  hardwareContext,
  installFakeTools,
  useFakeTools,
} from '../../helpers/fake-tools.js';

// The fake hdparm for one test, and the context of a SATA drive.
const useFakes = (scenario: FakeScenario) => useFakeTools(scenario, ['hdparm']);
const ctx = (extra: Parameters<typeof hardwareContext>[1] = {}) =>
  hardwareContext(fakeIdentity('sda', { transport: 'sata' }), extra);

const NO_SANITIZE: FakeScenario['ata'] = { sanitize: { feature: false, crypto: false, block: false } };
const CAPTURE = readFileSync(join(FAKE_TOOLS_DIR, 'captures/hdparm-I-sata-ssd.txt'), 'utf8');

describe('hdparm output parsing', () => {
  it('reads identity, sanitize commands and the Security block of hdparm -I', () => {
    expect(parseHdparmIdentify(CAPTURE)).toEqual({
      model: 'Samsung SSD 860 EVO 500GB',
      serial: 'S3Z1NB0K123456A',
      firmware: 'RVT04B6Q',
      sanitizeFeature: true,
      cryptoScramble: true,
      blockErase: true,
      securitySupported: true,
      securityEnabled: false,
      securityLocked: false,
      securityFrozen: false,
      enhancedErase: true,
      enhancedEraseMinutes: 2,
    });
  });

  it('reads frozen and enabled from the Security block', () => {
    const frozen = CAPTURE.replace('\tnot\tfrozen', '\t\tfrozen').replace('\tnot\tenabled', '\t\tenabled');
    expect(parseHdparmIdentify(frozen)).toMatchObject({
      securityFrozen: true,
      securityEnabled: true,
      securityLocked: false,
    });
  });

  it.for([
    [
      'in progress',
      'Sanitize status:\n    State:    SD2 Sanitize operation In Process\n    Progress: 0x7fff (50%)\n',
      '',
      0,
      'in-progress',
      50,
    ],
    [
      'completed',
      'Sanitize status:\n    State:    SD0 Sanitize Idle\n    Last Sanitize Operation Completed Without Error\n',
      '',
      0,
      'completed',
      null,
    ],
    ['idle without success', 'Sanitize status:\n    State:    SD0 Sanitize Idle\n', '', 0, 'failed', null],
    ['frozen', 'Sanitize status:\n    State:    SD1 Sanitize Frozen\n', '', 0, 'failed', null],
    [
      'failed',
      'Issuing SANITIZE_STATUS command\n',
      'SANITIZE device error reason: Last Sanitize Command completed unsuccessfully\nDrive in SD3 Sanitize Operation Failed state\n',
      5,
      'failed',
      null,
    ],
  ] as const)('classifies --sanitize-status: %s', ([, stdout, stderr, exit, state, percent]) => {
    const reading = parseSanitizeStatus(stdout, stderr, exit);
    expect(reading.state).toBe(state);
    expect(reading.percent).toBe(percent);
  });
});

describe('ata probe', () => {
  it('offers crypto scramble, block erase and enhanced security erase, strongest first', async () => {
    const fakes = useFakes({});
    const capability = await ataBackend.probe(ctx());
    expect(capability.techniques).toEqual(['crypto-erase', 'block-erase', 'overwrite']);
    expect(capability.facts).toMatchObject({ securityFrozen: false, sanitizeState: 'SD0', enhancedEraseMinutes: 2 });
    expect(fakes.calls().map((c) => c.argv.join(' '))).toEqual(['-I /dev/sda', '--sanitize-status /dev/sda']);
  });

  it('keeps sanitize but drops security erase when security is frozen', async () => {
    useFakes({ ata: { security: { frozen: true } } });
    const capability = await ataBackend.probe(ctx());
    expect(capability.techniques).toEqual(['crypto-erase', 'block-erase']);
    expect(capability.reason).toMatch(/security frozen/);
  });

  it('explains how to unfreeze when frozen security is all there is', async () => {
    useFakes({ ata: { ...NO_SANITIZE, security: { frozen: true } } });
    expect((await ataBackend.probe(ctx())).reason).toBe(
      'ATA security is frozen: suspend/resume or hot-plug the drive to unfreeze it',
    );
  });

  it('offers only security erase when sanitize is frozen (SD1)', async () => {
    useFakes({ ata: { sanitizeFrozen: true } });
    expect((await ataBackend.probe(ctx())).techniques).toEqual(['overwrite']);
  });

  it('refuses when a password is already set', async () => {
    useFakes({ ata: { ...NO_SANITIZE, security: { enabled: true } } });
    expect((await ataBackend.probe(ctx())).reason).toMatch(/security is enabled.*disable it first/);
  });

  it.for([
    ['sas', /not SATA.*use scsi for SAS/],
    ['usb', /attached over usb/],
    [null, /unknown transport/],
  ] as const)('refuses transport %s without running hdparm', async ([transport, reason]) => {
    const fakes = useFakes({});
    const capability = await ataBackend.probe(ctx({ identity: fakeIdentity('sdc', { transport }) }));
    expect(capability.reason).toMatch(reason);
    expect(fakes.calls()).toEqual([]);
  });

  it('refuses a partition', async () => {
    const capability = await ataBackend.probe(
      ctx({ identity: fakeIdentity('sda1', { parentName: 'sda', transport: 'sata' }) }),
    );
    expect(capability.reason).toMatch(/partition of \/dev\/sda.*give \/dev\/sda/);
  });
});

describe('ata erase', () => {
  it('puts --yes-i-know-what-i-am-doing before the sanitize option and polls --sanitize-status', async () => {
    useFakes({ sanitize: { pollsInProgress: 1 } });
    const outcome = await ataBackend.erase(ctx(), await ataBackend.probe(ctx()), 'block-erase');
    expect(outcome.commands).toEqual([
      'hdparm --yes-i-know-what-i-am-doing --sanitize-block-erase /dev/sda',
      'hdparm --sanitize-status /dev/sda (×2)',
    ]);
    expect(outcome.evidence).toMatchObject({
      method: 'sanitize',
      sanitizeState: 'SD0',
      completedWithoutError: true,
      polls: 2,
    });
  });

  it('runs enhanced security erase with a random password that never appears in the outcome', async () => {
    const fakes = useFakes({ ata: NO_SANITIZE });
    const capability = await ataBackend.probe(ctx());
    expect(capability.techniques).toEqual(['overwrite']);
    const outcome = await ataBackend.erase(ctx(), capability);
    const calls = fakes.calls().slice(1);
    expect(calls.map((c) => c.argv.slice(0, 3).join(' '))).toEqual([
      '--user-master u --security-set-pass',
      '--user-master u --security-erase-enhanced',
      '-I /dev/sda',
    ]);
    const password = calls[0]?.argv[3] ?? '';
    expect(password).toMatch(/^[0-9a-f]{24}$/);
    expect(calls[1]?.argv[3]).toBe(password);
    expect(JSON.stringify(outcome)).not.toContain(password);
    expect(outcome.commands).toContain('hdparm --user-master u --security-erase-enhanced ******** /dev/sda');
    expect(outcome.evidence).toMatchObject({
      method: 'security-erase-enhanced',
      securityEnabled: false,
      securityLocked: false,
    });
    expect(fakes.state()).toMatchObject({ security: { enabled: false, password: null } });
  });

  it('uses a fresh password per run', async () => {
    const passwords: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const fakes = installFakeTools({ ata: NO_SANITIZE }, { tools: ['hdparm'] });
      try {
        await ataBackend.erase(ctx(), await ataBackend.probe(ctx()));
        passwords.push(fakes.calls()[1]?.argv[3] ?? '');
      } finally {
        fakes.restore();
      }
    }
    expect(passwords[0]).not.toBe(passwords[1]);
  });

  it('removes the temporary password when the erase fails, so the drive is not left locked', async () => {
    const fakes = useFakes({ ata: { ...NO_SANITIZE, eraseFails: true } });
    const capability = await ataBackend.probe(ctx());
    const error = await ataBackend.erase(ctx(), capability).catch((e: unknown) => e);
    const calls = fakes.calls();
    const password = calls[1]?.argv[3] ?? '';
    expect(calls.at(-1)?.argv).toEqual(['--user-master', 'u', '--security-disable', password, '/dev/sda']);
    expect(fakes.state()).toMatchObject({ security: { enabled: false, password: null } });
    expect(error).toMatchObject({ code: 'ERR_ERASE_FAILED', step: 'security-erase' });
    expect((error as Error).message).toMatch(
      /SECURITY_ERASE: Input\/output error.*temporary password was removed again/,
    );
    expect((error as Error).message).not.toContain(password);
  });

  it('warns about the master password when the cleanup fails too', async () => {
    useFakes({ ata: { ...NO_SANITIZE, eraseFails: true, disableFails: true } });
    const error = await ataBackend.erase(ctx(), await ataBackend.probe(ctx())).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/WARNING: removing the temporary password failed.*master password/);
  });

  it('reports a failed sanitize (SD3) as ERR_ERASE_FAILED with the drive reason', async () => {
    useFakes({ sanitize: { pollsInProgress: 1, result: 'failed' } });
    const error = await ataBackend.erase(ctx(), await ataBackend.probe(ctx())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ERASE_FAILED' });
    expect((error as Error).message).toMatch(/Last Sanitize Command completed unsuccessfully/);
  });
});
