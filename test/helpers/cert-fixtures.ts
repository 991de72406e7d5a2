// Certificate test fixtures: a sample run of a 64 MiB image wiped with dod-3, and signers.
import { generateKeyPairSync } from 'node:crypto';
import { signerOf, type CertificateInput, type Signer } from '../../src/cert/index.js';
import { computeDeviceId } from '../../src/devices/index.js';
import type { DeviceIdentity } from '../../src/types.js';

// A fresh in-memory Ed25519 signer.
export function makeSigner(): Signer {
  return signerOf(generateKeyPairSync('ed25519').privateKey);
}

// The identity of an image file as src/devices reads it (id computed by the real rule).
export function imageIdentity(realPath = '/srv/images/vol-42.img', sizeBytes = 64 * 1024 * 1024): DeviceIdentity {
  const base: Omit<DeviceIdentity, 'id'> = {
    path: realPath,
    realPath,
    kind: 'file',
    name: null,
    majorMinor: null,
    statKey: 'ino:1:2',
    sizeBytes,
    logicalBlockSize: 512,
    physicalBlockSize: 4096,
    model: null,
    vendor: null,
    serial: null,
    wwn: null,
    transport: null,
    rotational: null,
    readOnly: false,
    loopBackingFile: null,
    parentName: null,
    partitions: [],
  };
  return { ...base, id: computeDeviceId(base) };
}

// A complete certificate input for a passed dod-3 run (signingKeyId left to the signer).
export function sampleInput(
  identity: DeviceIdentity = imageIdentity(),
  overrides: Partial<CertificateInput> = {},
): Omit<CertificateInput, 'signingKeyId'> {
  const size = identity.sizeBytes;
  return {
    certificateId: '3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab',
    issuedAt: '2026-11-23T04:40:12.345Z',
    tool: { name: 'cleanslate', version: '0.1.0' },
    host: 'wipe-host-1',
    operator: 'Alice Operator',
    tenant: 'tenant-7',
    volumeId: 'vol-42',
    media: identity,
    sanitization: {
      methodType: 'purge',
      technique: 'overwrite',
      method: 'dod-3',
      methodLabel: 'DoD 5220.22-M (3 passes)',
      methodSource: 'DoD 5220.22-M "E"',
      passes: [
        {
          index: 1,
          pattern: 'random byte 0x5a',
          bytes: size,
          startedAt: '2026-11-23T04:40:00.000Z',
          endedAt: '2026-11-23T04:40:03.000Z',
        },
        {
          index: 2,
          pattern: 'complement 0xa5',
          bytes: size,
          startedAt: '2026-11-23T04:40:03.000Z',
          endedAt: '2026-11-23T04:40:06.000Z',
        },
        {
          index: 3,
          pattern: 'aes-256-ctr',
          bytes: size,
          startedAt: '2026-11-23T04:40:06.000Z',
          endedAt: '2026-11-23T04:40:10.000Z',
        },
      ],
      seedCommitment: 'a'.repeat(64),
      startedAt: '2026-11-23T04:40:00.000Z',
      endedAt: '2026-11-23T04:40:12.000Z',
      bytesWritten: 3 * size,
    },
    verification: { mode: 'last', bytesRead: size, mismatches: 0, claim: null },
    residualScan: {
      mode: 'full',
      bytesScanned: size,
      samples: null,
      claim: null,
      findings: {},
      residueBlocks: 0,
    },
    finalState: {
      expect: 'aes-256-ctr',
      pattern: { kind: 'aes-ctr', keyCommitment: 'b'.repeat(64) },
      sampleDigest: 'c'.repeat(64),
    },
    audit: { seq: 7, entryHash: 'd'.repeat(64) },
    ...overrides,
  };
}
