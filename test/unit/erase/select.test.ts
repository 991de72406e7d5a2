// Backend selection: an explicit backend is asked alone; auto asks all and takes the strongest that supports the device.
import { describe, expect, test } from 'vitest';
import type { EraseBackend, EraseBackendId, EraseContext } from '../../../src/erase/backend.js';
import { describeProbes, selectEraseBackend } from '../../../src/erase/select.js';

// A backend that answers its probe from a flag and records that it was asked; erase must not run here.
function fakeBackend(id: EraseBackendId, strength: number, supported: boolean, asked: string[]): EraseBackend {
  return {
    id,
    label: id,
    source: 'test',
    strength,
    probe: async () => {
      asked.push(id);
      return {
        backend: id,
        supported,
        techniques: supported ? ['crypto-erase'] : [],
        reason: supported ? `${id} can` : `${id} cannot`,
        facts: {},
      };
    },
    erase: async () => {
      throw new Error('selection must not erase');
    },
  };
}

const ctx = {} as EraseContext;

describe('selectEraseBackend', () => {
  test('auto asks every backend and picks the strongest supported one', async () => {
    const asked: string[] = [];
    const backends = [
      fakeBackend('nvme', 30, false, asked),
      fakeBackend('ata', 30, true, asked),
      fakeBackend('luks', 10, true, asked),
    ];
    const { chosen, probes } = await selectEraseBackend(backends, 'auto', ctx);
    expect(chosen?.backend.id).toBe('ata');
    expect(asked).toEqual(['nvme', 'ata', 'luks']);
    expect(probes.map((p) => p.supported)).toEqual([false, true, true]);
  });

  test('an explicit backend is the only one asked; unsupported gives no choice', async () => {
    const asked: string[] = [];
    const backends = [fakeBackend('nvme', 30, true, asked), fakeBackend('luks', 10, false, asked)];
    const { chosen, probes } = await selectEraseBackend(backends, 'luks', ctx);
    expect(chosen).toBeNull();
    expect(asked).toEqual(['luks']);
    expect(describeProbes(probes)).toBe('luks: luks cannot');
  });

  test('auto with nothing supported gives no choice and every reason', async () => {
    const asked: string[] = [];
    const backends = [fakeBackend('nvme', 30, false, asked), fakeBackend('luks', 10, false, asked)];
    const { chosen, probes } = await selectEraseBackend(backends, 'auto', ctx);
    expect(chosen).toBeNull();
    expect(describeProbes(probes)).toBe('nvme: nvme cannot; luks: luks cannot');
  });
});
