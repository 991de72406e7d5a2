// nvme backend against fake nvme-cli: what probe offers (sanitize vs format vs nothing), the
// namespace guard, and the exact commands erase runs.
import { describe, expect, it } from 'vitest';
import { nvmeBackend } from '../../../src/erase/nvme.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { fakeIdentity, type FakeScenario, hardwareContext, useFakeTools } from '../../helpers/fake-tools.js';

// The fake nvme for one test, and the context of its namespace.
const useFakes = (scenario: FakeScenario) => useFakeTools(scenario, ['nvme']);
const ctx = (extra: Parameters<typeof hardwareContext>[1] = {}) => hardwareContext(fakeIdentity('nvme0n1'), extra);

const argvOf = (fakes: ReturnType<typeof useFakes>) => fakes.calls().map((call) => ['nvme', ...call.argv].join(' '));

// Two namespaces; FNA says whether secure erase is per namespace (bit 1 clear) and crypto erase exists (bit 2).
const twoNamespaces = (fna: number): FakeScenario => ({ nvme: { activeNs: [1, 2], idCtrl: { fna, nn: 32 } } });

describe('nvme probe', () => {
  it('offers sanitize on a controller with one namespace and reads only identify data and logs', async () => {
    const fakes = useFakes({});
    const capability = await nvmeBackend.probe(ctx());
    expect(capability).toMatchObject({ backend: 'nvme', supported: true, techniques: ['crypto-erase', 'block-erase'] });
    expect(capability.facts).toMatchObject({
      sanicap: 3,
      fna: 5,
      oacs: 23,
      nn: 1,
      method: 'sanitize',
      controller: '/dev/nvme0',
      namespaces: '1',
      sstat: 0,
    });
    expect(capability.facts['time_crypto_erase']).toBe(2);
    expect(capability.facts['time_over_write']).toBeNull();
    expect(argvOf(fakes)).toEqual([
      'nvme id-ctrl /dev/nvme0 -o json',
      'nvme id-ctrl /dev/nvme0n1 -o json',
      'nvme list-ns /dev/nvme0 -o json',
      'nvme sanitize-log /dev/nvme0 -o json',
    ]);
  });

  it('lists allocated namespaces too when namespace management exists, and refuses sanitize if there are others', async () => {
    const fakes = useFakes({ nvme: { idCtrl: { oacs: 0x1f, nn: 32, fna: 5 }, activeNs: [1], allocatedNs: [1, 2] } });
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.supported).toBe(false);
    expect(capability.reason).toMatch(/sanitize would erase the controller's other namespaces \(1, 2\)/);
    expect(argvOf(fakes)).toContain('nvme list-ns /dev/nvme0 --all -o json');
  });

  it('offers format --ses per namespace when FNA says secure erase is per namespace', async () => {
    useFakes(twoNamespaces(0b100));
    const capability = await nvmeBackend.probe(ctx());
    expect(capability).toMatchObject({ supported: true, techniques: ['crypto-erase', 'block-erase'] });
    expect(capability.facts['method']).toBe('format');
    expect(capability.reason).toMatch(/sanitize would erase all 2 namespaces/);
  });

  it('offers only user-data erase (block-erase) through format when FNA has no crypto erase', async () => {
    useFakes(twoNamespaces(0));
    expect((await nvmeBackend.probe(ctx())).techniques).toEqual(['block-erase']);
  });

  it.for([
    ['format applies to all namespaces', 0b101],
    ['secure erase applies to all namespaces', 0b110],
  ] as const)('refuses with two namespaces when %s', async ([, fna]) => {
    useFakes(twoNamespaces(fna));
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.supported).toBe(false);
    expect(capability.reason).toMatch(/other namespaces/);
  });

  it('refuses when the namespace list cannot be read (a guard that cannot decide refuses)', async () => {
    useFakes({ nvme: { listNsFails: true } });
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.supported).toBe(false);
    expect(capability.reason).toMatch(/list-ns \/dev\/nvme0 -o json exited 2/);
  });

  it('refuses when /dev/nvme0 is not the controller of /dev/nvme0n1 (multipath naming)', async () => {
    useFakes({ nvme: { idCtrlViaNamespace: { sn: 'OTHER-DRIVE' } } });
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.supported).toBe(false);
    expect(capability.reason).toMatch(/cannot tell that \/dev\/nvme0 is the controller/);
  });

  it('refuses while a sanitize is already running', async () => {
    useFakes({ initialSanitize: 'in-progress', sanitize: { result: 'never' } });
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.reason).toMatch(/already in progress/);
  });

  it('refuses a partition without running nvme', async () => {
    const fakes = useFakes({});
    const capability = await nvmeBackend.probe(ctx({ identity: fakeIdentity('nvme0n1p1', { parentName: 'nvme0n1' }) }));
    expect(capability.reason).toBe(
      '/dev/nvme0n1p1 is a partition of /dev/nvme0n1: an NVMe sanitize or format erases the whole device, give /dev/nvme0n1',
    );
    expect(fakes.calls()).toEqual([]);
  });

  it('names what is needed for a file or loop device', async () => {
    const capability = await nvmeBackend.probe(ctx({ identity: fakeIdentity('loop3', { transport: null }) }));
    expect(capability.reason).toBe(
      '/dev/loop3 is not an NVMe namespace: --crypto-erase nvme needs /dev/nvmeXnY and nvme-cli',
    );
  });

  it('says how to install nvme-cli when it is missing', async () => {
    useFakeTools({}, []);
    const capability = await nvmeBackend.probe(ctx());
    expect(capability.reason).toBe('nvme-cli is not installed (apt-get install nvme-cli)');
  });
});

describe('nvme erase', () => {
  it('sanitizes with SANACT 4 and succeeds only once sanitize-log reports completion', async () => {
    const fakes = useFakes({ sanitize: { pollsInProgress: 2, result: 'completed' } });
    const capability = await nvmeBackend.probe(ctx());
    const progress: number[] = [];
    const outcome = await nvmeBackend.erase(ctx({ onProgress: (p) => progress.push(p.percent) }), capability);
    expect(outcome.technique).toBe('crypto-erase');
    expect(outcome.commands).toContain('nvme sanitize /dev/nvme0 --sanact=4');
    expect(outcome.commands).toContain('nvme sanitize-log /dev/nvme0 -o json (×3)');
    expect(outcome.evidence).toMatchObject({
      method: 'sanitize',
      sanact: 4,
      sstat: 1,
      sprog: 65535,
      globalDataErased: true,
      cdw10: 4,
      polls: 3,
    });
    expect(outcome.regions).toEqual([]);
    expect(progress).toHaveLength(2);
    expect(progress[0]).toBeCloseTo((21845 / 65536) * 100, 3);
    expect(fakes.state()).toMatchObject({ sanitize: { status: 'completed' } });
  });

  it('runs block erase with SANACT 2 when asked', async () => {
    useFakes({});
    const capability = await nvmeBackend.probe(ctx());
    const outcome = await nvmeBackend.erase(ctx(), capability, 'block-erase');
    expect(outcome.commands).toContain('nvme sanitize /dev/nvme0 --sanact=2');
  });

  it('refuses a technique the controller does not offer before running anything', async () => {
    const fakes = useFakes({});
    const capability = await nvmeBackend.probe(ctx());
    const before = fakes.calls().length;
    await expect(nvmeBackend.erase(ctx(), capability, 'overwrite')).rejects.toMatchObject({
      code: 'ERR_ERASE_UNSUPPORTED',
    });
    expect(fakes.calls()).toHaveLength(before);
  });

  it('formats the namespace with SES 2 when sanitize would reach other namespaces, and re-reads id-ns', async () => {
    const fakes = useFakes(twoNamespaces(0b100));
    const capability = await nvmeBackend.probe(ctx());
    const outcome = await nvmeBackend.erase(ctx({ timeoutMs: 3_600_000 }), capability);
    expect(outcome.commands).toEqual(
      expect.arrayContaining([
        'nvme format /dev/nvme0n1 --ses=2 --force --timeout=3600000',
        'nvme id-ns /dev/nvme0n1 -o json',
      ]),
    );
    expect(argvOf(fakes).some((c) => c.startsWith('nvme sanitize '))).toBe(false);
    expect(outcome.evidence).toMatchObject({
      method: 'format',
      ses: 2,
      formatResult: 'Success formatting namespace:1',
      nuse: 0,
    });
  });

  it('reports a failed format as ERR_ERASE_FAILED', async () => {
    useFakes({ ...twoNamespaces(0b100), nvme: { ...twoNamespaces(0b100).nvme, formatFails: true } });
    const capability = await nvmeBackend.probe(ctx());
    const error = await nvmeBackend.erase(ctx(), capability).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect(error).toMatchObject({ code: 'ERR_ERASE_FAILED', step: 'format', target: '/dev/nvme0n1' });
    expect((error as Error).message).toMatch(/Format In Progress/);
  });

  it('reports a rejected sanitize command as ERR_ERASE_FAILED without polling', async () => {
    const fakes = useFakes({ sanitize: { reject: true } });
    const capability = await nvmeBackend.probe(ctx());
    await expect(nvmeBackend.erase(ctx(), capability)).rejects.toMatchObject({
      code: 'ERR_ERASE_FAILED',
      step: 'sanitize',
    });
    expect(argvOf(fakes).filter((c) => c.startsWith('nvme sanitize-log'))).toHaveLength(1); // the probe's read only
  });

  it('stops waiting on abort and says the drive keeps sanitizing', async () => {
    useFakes({ sanitize: { result: 'never' } });
    const capability = await nvmeBackend.probe(ctx());
    const controller = new AbortController();
    const error = await nvmeBackend
      .erase(ctx({ signal: controller.signal, timeoutMs: 60_000, onProgress: () => controller.abort() }), capability)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INTERRUPTED' });
    expect((error as Error).message).toMatch(/keeps erasing.*nvme sanitize-log \/dev\/nvme0/);
  });
});
