// The crypto-erase backend interface (DESIGN §6): one backend per file, all behind this contract,
// selected by `wipe --crypto-erase auto|luks|nvme|ata|scsi|none`. Types only.
import type { DeviceIdentity, Target } from '../types.js';

export type EraseBackendId = 'luks' | 'nvme' | 'ata' | 'scsi';

/** What an erase does to the media, strongest first (IEEE 2883 / NIST SP 800-88 Purge techniques). */
export type EraseTechnique = 'crypto-erase' | 'block-erase' | 'overwrite';

/** A byte range of the target. */
export interface EraseRegion {
  offset: number;
  length: number;
  /** What the region held: "LUKS2 primary binary header", "keyslot 0 area", ... */
  label: string;
}

/** What reading and writing through the target needs: the target and aligned memory. */
export type AlignedIo = Pick<EraseContext, 'target' | 'leaseBuffer'>;

/** Where an erase runs; hardware backends act through their tools on `identity.realPath`. */
export interface EraseContext {
  identity: DeviceIdentity;
  /**
   * The target opened once by the wipe (O_DIRECT|O_EXCL, writable). The luks backend reads and writes
   * through it; hardware backends never write through it (the drive erases itself).
   */
  target: Target;
  /**
   * Aligned memory for I/O through `target` (O_DIRECT needs 4096-aligned buffers and lengths),
   * handed in by the core so that erase/ never imports io/. Release every lease.
   */
  leaseBuffer(length: number): { buffer: Uint8Array; release(): void };
  signal?: AbortSignal;
  /** Progress of a long erase (sanitize in progress): percent 0-100 and what the device said. */
  onProgress?: (progress: { percent: number; message: string }) => void;
  /** How long to wait for the device to report completion. @default per backend (hours for hardware) */
  timeoutMs?: number;
  /** Between two status polls. @default 1000 (tests pass small values) */
  pollIntervalMs?: number;
}

/** What a backend found out about a device without writing anything. */
export interface EraseCapability {
  backend: EraseBackendId;
  supported: boolean;
  /** Techniques this device supports through this backend, strongest first; empty when not supported. */
  techniques: EraseTechnique[];
  /**
   * One sentence: what was found ("LUKS2 header, UUID ..., 3 keyslots"; "sanicap: crypto erase,
   * block erase"), or why the backend cannot act and what would be needed ("not an NVMe namespace:
   * --crypto-erase nvme needs /dev/nvmeXnY and nvme-cli"; "ATA security is frozen: suspend/resume or
   * hot-plug the drive to unfreeze it").
   */
  reason: string;
  /** Facts the probe read (sanicap, fna, frozen, version, uuid...), for --json and the audit log. Integers, strings, booleans only. */
  facts: Record<string, string | number | boolean | null>;
}

/** What an erase did, as the certificate and audit log record it. Never key material. */
export interface EraseOutcome {
  backend: EraseBackendId;
  technique: EraseTechnique;
  /** The commands run, as argv joined with spaces ("nvme sanitize /dev/nvme0 --sanact=4"); for luks, "overwrite LUKS metadata". */
  commands: string[];
  /** Regions overwritten by the luks backend (offset, length, label); [] for hardware backends. */
  regions: EraseRegion[];
  /** For luks: the header that was erased. */
  luks?: { version: 1 | 2; uuid: string; keyslots: number };
  /** What proves completion: the final status read from the device (sstat, sanitize state) or, for luks, the read-back check. */
  evidence: Record<string, string | number | boolean | null>;
  startedAt: string;
  endedAt: string;
  durationMs: number;
}

export interface EraseBackend {
  id: EraseBackendId;
  label: string;
  /** The standard, specification or tool this backend follows. */
  source: string;
  /** For `auto`: higher is stronger; the supported backend with the highest strength wins. */
  strength: number;
  /**
   * Reads what the device supports; never writes, never changes device state. Resolves
   * `supported: false` with a reason for a device it cannot act on (wrong kind, missing tool,
   * frozen, feature absent); rejects only on unexpected failure.
   */
  probe(ctx: EraseContext): Promise<EraseCapability>;
  /**
   * Erases with the strongest supported technique (or `technique` when given) and resolves only
   * after the device was observed in a completed state. Rejects with CleanslateError:
   * ERR_ERASE_UNSUPPORTED (exit 6) before anything is written when the capability does not allow it,
   * ERR_ERASE_FAILED (exit 4) when the device reports failure, ERR_ERASE_TIMEOUT (exit 4) when it
   * does not complete in time, ERR_INTERRUPTED (130) on abort.
   */
  erase(ctx: EraseContext, capability: EraseCapability, technique?: EraseTechnique): Promise<EraseOutcome>;
}
