// NVMe crypto-erase through nvme-cli 2.x (DESIGN §6): Sanitize (acts on the whole NVM subsystem)
// when the controller has exactly one namespace, else Format NVM with Secure Erase when that is
// per namespace. Output formats: nvme-cli src/nvme-print-json.c (id-ctrl, list-ns, sanitize-log).
import { CleanslateError } from '../errors/index.js';
import type { RunResult } from '../exec/index.js';
import type { EraseBackend, EraseCapability, EraseContext, EraseOutcome, EraseTechnique } from './backend.js';
import {
  HOUR_MS,
  assertKind,
  buildOutcome,
  chooseTechnique,
  hasBit,
  isPartition,
  partitionReason,
  probeFailure,
  supportedCapability,
  targetOf,
  throwIfAborted,
  toInt,
  unsupportedCapability,
  type Facts,
} from './hardware.js';
import { pollUntilComplete, type StatusReading } from './poll.js';
import { ToolSession } from './tool.js';

/** A namespace block device: nvme<controller/subsystem instance>n<namespace instance>. */
const NAMESPACE_NAME = /^nvme(\d+)n(\d+)$/;

/** Identify Controller SANICAP bits (NVMe Base Spec 2.0c, Figure 275, bytes 331:328). */
const SANICAP_BITS: Record<EraseTechnique, number> = { 'crypto-erase': 0, 'block-erase': 1, overwrite: 2 };

/** Identify Controller FNA bits (NVMe Base Spec 2.0c, Figure 275, byte 524). */
const FNA = {
  /** Format NVM applies to all namespaces of the controller. */
  formatAllNamespaces: 0,
  /** Secure erase (Format NVM SES) applies to all namespaces. */
  secureEraseAllNamespaces: 1,
  /** Cryptographic erase is supported as part of Format NVM secure erase (SES=010b). */
  cryptoEraseSupported: 2,
} as const;

/** Identify Controller OACS bits (NVMe Base Spec 2.0c, Figure 275, bytes 257:256). */
const OACS = { formatNvm: 1, namespaceManagement: 3 } as const;

/** Sanitize actions per technique (NVMe Base Spec 2.0c §5.24, Figure 372, SANACT) and the sanitize-log field with its estimate. */
const SANITIZE_ACTIONS: Record<EraseTechnique, { sanact: number; extra: string[]; estimate: string }> = {
  'crypto-erase': { sanact: 4, extra: [], estimate: 'time_crypto_erase' },
  'block-erase': { sanact: 2, extra: [], estimate: 'time_block_erase' },
  // OWPASS 0 means 16 passes (Figure 372): ask for one pass of the default pattern.
  overwrite: { sanact: 3, extra: ['--owpass=1'], estimate: 'time_over_write' },
};

/** Format NVM Secure Erase Settings per technique (NVMe Base Spec 2.0c §5.23, Figure 367, SES). */
const FORMAT_SES: Partial<Record<EraseTechnique, number>> = {
  'crypto-erase': 2, // Cryptographic Erase
  'block-erase': 1, // User Data Erase: the controller erases all user data; recorded as block erase
};

/** Sanitize Status log SSTAT bits 2:0 (NVMe Base Spec 2.0c §5.16.1.25, Figure 290, Log Identifier 81h). */
const SSTAT_STATUS: Record<number, { state: StatusReading['state']; text: string }> = {
  0: { state: 'pending', text: 'never sanitized' },
  1: { state: 'completed', text: 'most recent sanitize completed successfully' },
  2: { state: 'in-progress', text: 'sanitize in progress' },
  3: { state: 'failed', text: 'most recent sanitize failed' },
  4: { state: 'completed', text: 'most recent sanitize completed successfully (no-deallocate)' },
};

/** Sanitize-log estimates are seconds; 0xFFFFFFFF means "no estimate" (Figure 290). */
const NO_ESTIMATE = 0xffffffff;

/** When the drive gives no estimate: a crypto erase is quick, block erase and overwrite take hours. */
const DEFAULT_TIMEOUT_MS: Record<EraseTechnique, number> = {
  'crypto-erase': 2 * HOUR_MS,
  'block-erase': 24 * HOUR_MS,
  overwrite: 48 * HOUR_MS,
};

type Json = Record<string, unknown>;

/** What probe learnt about a namespace and its controller. */
interface NvmeDevice {
  namespace: string;
  controller: string;
  facts: Facts;
}

// Why the identity is not an NVMe namespace this backend can act on, or null when it is.
function checkKind(ctx: EraseContext): string | null {
  const { identity } = ctx;
  if (isPartition(identity) && NAMESPACE_NAME.test(identity.parentName ?? '')) {
    return partitionReason(identity, 'an NVMe sanitize or format');
  }
  if (identity.kind !== 'block' || identity.name === null || !NAMESPACE_NAME.test(identity.name)) {
    return `${targetOf(identity)} is not an NVMe namespace: --crypto-erase nvme needs /dev/nvmeXnY and nvme-cli`;
  }
  if (isPartition(identity)) return partitionReason(identity, 'an NVMe sanitize or format');
  return null;
}

// The controller character device of a namespace path: /dev/nvme0n1 → /dev/nvme0.
function controllerOf(namespacePath: string): string {
  return namespacePath.replace(/n\d+$/, '');
}

// Runs an nvme-cli read with JSON output and parses it; throws ERR_ERASE_FAILED on exit or parse errors.
async function readJson(session: ToolSession, args: string[], step: string, signal?: AbortSignal): Promise<Json> {
  const result = await session.run('nvme', [...args, '-o', 'json'], { step, signal });
  if (result.exitCode !== 0)
    throw failure(session, session.describeExit('nvme', [...args, '-o', 'json'], result), step);
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  throw failure(session, `nvme ${args.join(' ')} printed no JSON object`, step);
}

// An ERR_ERASE_FAILED naming the target and step.
function failure(session: ToolSession, message: string, step: string): CleanslateError {
  return new CleanslateError('ERR_ERASE_FAILED', message, { target: session.target, step });
}

// The namespace ids of a list-ns answer ({"nsid_list":[{"nsid":1}]}).
function namespaceIds(listNs: Json): number[] {
  const list = listNs['nsid_list'];
  if (!Array.isArray(list)) return [];
  return list
    .map((entry: unknown) => toInt((entry as Json)['nsid']))
    .filter((id): id is number => id !== null && id > 0);
}

// Lists every namespace sanitize would touch: active ones, plus allocated ones when namespace management exists.
async function listNamespaces(
  session: ToolSession,
  controller: string,
  oacs: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const ids = new Set(namespaceIds(await readJson(session, ['list-ns', controller], 'probe', signal)));
  if (hasBit(oacs, OACS.namespaceManagement)) {
    namespaceIds(await readJson(session, ['list-ns', controller, '--all'], 'probe', signal)).forEach((id) =>
      ids.add(id),
    );
  }
  return [...ids].sort((a, b) => a - b);
}

// The sanitize-log body: nvme-cli nests it under the device name ({"nvme0": {...}}).
function sanitizeLogBody(log: Json): Json {
  if ('sprog' in log) return log;
  const first = Object.values(log)[0];
  return typeof first === 'object' && first !== null ? (first as Json) : {};
}

// SSTAT as fields: status code (bits 2:0) and global-data-erased, from nvme-cli 2.x objects or 1.x integers.
function readSstat(body: Json): { code: number | null; text: string; globalErased: boolean | null } {
  const sstat = body['sstat'];
  if (typeof sstat === 'number') {
    return { code: sstat % 8, text: SSTAT_STATUS[sstat % 8]?.text ?? 'unknown', globalErased: hasBit(sstat, 8) };
  }
  if (typeof sstat === 'object' && sstat !== null) {
    const status = String((sstat as Json)['status'] ?? '');
    const code = toInt(/^\((\d+)\)/.exec(status)?.[1]);
    const erased = toInt((sstat as Json)['global_erased']);
    return {
      code,
      text: status.replace(/^\(\d+\)\s*/, '') || 'unknown',
      globalErased: erased === null ? null : erased === 1,
    };
  }
  return { code: null, text: 'no sstat field', globalErased: null };
}

// Reads one sanitize-log and classifies it for the poll loop; a completion of another action stays pending.
async function readSanitizeStatus(
  session: ToolSession,
  controller: string,
  sanact: number,
  signal?: AbortSignal,
): Promise<StatusReading> {
  const body = sanitizeLogBody(await readJson(session, ['sanitize-log', controller], 'poll', signal));
  const sstat = readSstat(body);
  const sprog = toInt(body['sprog']);
  const cdw10 = toInt(body['cdw10_info']);
  const known = sstat.code === null ? undefined : SSTAT_STATUS[sstat.code];
  let state = known?.state ?? 'pending';
  if (state === 'completed' && cdw10 !== null && cdw10 % 8 !== sanact) state = 'pending';
  return {
    state,
    percent: state === 'in-progress' && sprog !== null ? Math.min(100, (sprog / 65536) * 100) : null,
    message: `(${sstat.code ?? '?'}) ${sstat.text}`,
    fields: { sstat: sstat.code, sstatText: sstat.text, sprog, globalDataErased: sstat.globalErased, cdw10: cdw10 },
  };
}

// Reads identify data through the namespace and the controller path and checks both are the same controller.
async function readController(
  session: ToolSession,
  namespace: string,
  controller: string,
  signal?: AbortSignal,
): Promise<Json> {
  const viaController = await readJson(session, ['id-ctrl', controller], 'probe', signal);
  const viaNamespace = await readJson(session, ['id-ctrl', namespace], 'probe', signal);
  const same = ['sn', 'mn', 'subnqn'].every(
    (key) => String(viaController[key] ?? '') === String(viaNamespace[key] ?? ''),
  );
  if (!same || viaController['sn'] === undefined) {
    throw new CleanslateError(
      'ERR_ERASE_UNSUPPORTED',
      `cannot tell that ${controller} is the controller of ${namespace} (identify data differ; NVMe multipath?): refusing to sanitize`,
      { target: namespace, step: 'probe' },
    );
  }
  return viaController;
}

// The facts of id-ctrl that decide what is offered.
function controllerFacts(idCtrl: Json): Facts {
  return {
    model: String(idCtrl['mn'] ?? '').trim() || null,
    serial: String(idCtrl['sn'] ?? '').trim() || null,
    firmware: String(idCtrl['fr'] ?? '').trim() || null,
    sanicap: toInt(idCtrl['sanicap']),
    fna: toInt(idCtrl['fna']),
    oacs: toInt(idCtrl['oacs']),
    nn: toInt(idCtrl['nn']),
  };
}

// Techniques the SANICAP bits allow.
function sanitizeTechniques(sanicap: number): EraseTechnique[] {
  return (Object.keys(SANICAP_BITS) as EraseTechnique[]).filter((technique) =>
    hasBit(sanicap, SANICAP_BITS[technique]),
  );
}

// Techniques Format NVM allows on one namespace (null when format is absent or would hit other namespaces).
function formatTechniques(oacs: number, fna: number, single: boolean): EraseTechnique[] {
  if (!hasBit(oacs, OACS.formatNvm)) return [];
  if (!single && (hasBit(fna, FNA.formatAllNamespaces) || hasBit(fna, FNA.secureEraseAllNamespaces))) return [];
  return hasBit(fna, FNA.cryptoEraseSupported) ? ['crypto-erase', 'block-erase'] : ['block-erase'];
}

// Decides sanitize vs format vs nothing from the controller facts and the namespace list.
function decide(device: NvmeDevice, namespaces: number[], log: Json | null): EraseCapability {
  const { sanicap, fna, oacs } = device.facts as { sanicap: number | null; fna: number | null; oacs: number | null };
  const single = namespaces.length === 1;
  const facts: Facts = { ...device.facts, controller: device.controller, namespaces: namespaces.join(',') };
  if (sanicap === null || fna === null || oacs === null) {
    return unsupportedCapability(
      'nvme',
      `nvme id-ctrl ${device.controller} did not report sanicap, fna and oacs: cannot decide`,
      facts,
    );
  }
  const sanitize = sanitizeTechniques(sanicap);
  if (single && sanitize.length > 0) {
    const status = log === null ? null : readSstat(sanitizeLogBody(log));
    Object.assign(facts, { method: 'sanitize', sstat: status?.code ?? null, ...estimates(log) });
    if (status?.code === 2)
      return unsupportedCapability('nvme', `a sanitize is already in progress on ${device.controller}`, facts);
    return supportedCapability(
      'nvme',
      sanitize,
      `sanicap: ${sanitize.join(', ')}; one namespace on ${device.controller}`,
      facts,
    );
  }
  const format = formatTechniques(oacs, fna, single);
  if (format.length > 0) {
    Object.assign(facts, { method: 'format' });
    const why = single ? 'no sanitize support' : `sanitize would erase all ${namespaces.length} namespaces`;
    return supportedCapability('nvme', format, `format --ses (secure erase per namespace); ${why}`, facts);
  }
  const reason = single
    ? `${device.controller} supports neither sanitize (sanicap ${sanicap}) nor Format NVM secure erase (oacs ${oacs})`
    : `sanitize would erase the controller's other namespaces (${namespaces.join(', ')}) and format secure erase is not per namespace (fna ${fna})`;
  return unsupportedCapability('nvme', reason, facts);
}

// The estimated times of the sanitize log, in seconds (null when the drive gives none).
function estimates(log: Json | null): Facts {
  const body = log === null ? {} : sanitizeLogBody(log);
  const keys = Object.values(SANITIZE_ACTIONS).map((action) => action.estimate);
  return Object.fromEntries(
    keys.map((key) => {
      const seconds = toInt(body[key]);
      return [key, seconds === null || seconds === NO_ESTIMATE ? null : seconds];
    }),
  );
}

// Reads what the namespace's controller supports; never sends anything but Identify and Get Log Page.
async function probeNvme(ctx: EraseContext): Promise<EraseCapability> {
  const kind = checkKind(ctx);
  if (kind !== null) return unsupportedCapability('nvme', kind);
  const namespace = targetOf(ctx.identity);
  const controller = controllerOf(namespace);
  const session = new ToolSession(namespace);
  let facts: Facts = { controller };
  try {
    const idCtrl = await readController(session, namespace, controller, ctx.signal);
    facts = { ...facts, ...controllerFacts(idCtrl) };
    const namespaces = await listNamespaces(session, controller, toInt(idCtrl['oacs']) ?? 0, ctx.signal);
    if (namespaces.length === 0)
      return unsupportedCapability('nvme', `nvme list-ns ${controller} listed no namespace: cannot decide`, facts);
    const sanicap = toInt(idCtrl['sanicap']) ?? 0;
    const log =
      sanicap > 0 && namespaces.length === 1
        ? await readJson(session, ['sanitize-log', controller], 'probe', ctx.signal)
        : null;
    return decide({ namespace, controller, facts }, namespaces, log);
  } catch (error) {
    return probeFailure('nvme', error, facts);
  }
}

// The default wait for a sanitize: twice the drive's estimate plus 10 minutes, at least an hour.
function sanitizeTimeout(ctx: EraseContext, capability: EraseCapability, technique: EraseTechnique): number {
  if (ctx.timeoutMs !== undefined) return ctx.timeoutMs;
  const estimate = toInt(capability.facts[SANITIZE_ACTIONS[technique].estimate]);
  if (estimate === null) return DEFAULT_TIMEOUT_MS[technique];
  return Math.max(HOUR_MS, estimate * 2000 + 600_000);
}

// Starts a sanitize on the controller and polls the sanitize log until it reports completion.
async function eraseBySanitize(
  ctx: EraseContext,
  capability: EraseCapability,
  technique: EraseTechnique,
): Promise<EraseOutcome> {
  const startedAt = Date.now();
  const namespace = targetOf(ctx.identity);
  const controller = controllerOf(namespace);
  const session = new ToolSession(namespace);
  const action = SANITIZE_ACTIONS[technique];
  const args = ['sanitize', controller, `--sanact=${action.sanact}`, ...action.extra];
  throwIfAborted(ctx, 'sanitize');
  const started = await session.run('nvme', args, { step: 'sanitize', timeoutMs: 120_000 });
  if (started.exitCode !== 0)
    throw failure(
      session,
      `the controller rejected the sanitize: ${session.describeExit('nvme', args, started)}`,
      'sanitize',
    );
  const { reading, polls } = await pollUntilComplete({
    read: () => readSanitizeStatus(session, controller, action.sanact, ctx.signal),
    intervalMs: ctx.pollIntervalMs ?? 1000,
    timeoutMs: sanitizeTimeout(ctx, capability, technique),
    signal: ctx.signal,
    onProgress: ctx.onProgress,
    target: namespace,
    operation: `sanitize (${technique})`,
    statusCommand: `nvme sanitize-log ${controller}`,
  });
  return buildOutcome(
    'nvme',
    technique,
    session,
    { method: 'sanitize', sanact: action.sanact, ...reading.fields, polls },
    startedAt,
  );
}

// Formats the namespace with secure erase (synchronous) and reads it back as evidence.
async function eraseByFormat(ctx: EraseContext, technique: EraseTechnique): Promise<EraseOutcome> {
  const startedAt = Date.now();
  const namespace = targetOf(ctx.identity);
  const session = new ToolSession(namespace);
  const ses = FORMAT_SES[technique];
  if (ses === undefined)
    throw new CleanslateError('ERR_ERASE_UNSUPPORTED', `format cannot do ${technique}`, {
      target: namespace,
      step: 'format',
    });
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS[technique];
  // --force: no 10 s confirmation and no O_EXCL open (the wipe already holds the namespace open exclusively).
  const args = ['format', namespace, `--ses=${ses}`, '--force', `--timeout=${Math.min(timeoutMs, NO_ESTIMATE)}`];
  throwIfAborted(ctx, 'format');
  const result: RunResult = await session.run('nvme', args, { step: 'format', timeoutMs: timeoutMs + 60_000 });
  if (result.exitCode !== 0)
    throw failure(session, `format with secure erase failed: ${session.describeExit('nvme', args, result)}`, 'format');
  const idNs = await readJson(session, ['id-ns', namespace], 'verify', ctx.signal);
  const evidence: Facts = {
    method: 'format',
    ses,
    formatResult: result.stdout.trim().split('\n').pop() ?? '',
    nsze: toInt(idNs['nsze']),
    nuse: toInt(idNs['nuse']),
  };
  return buildOutcome('nvme', technique, session, evidence, startedAt);
}

// Erases with the technique and method probe chose; resolves only after the controller reported completion.
async function eraseNvme(
  ctx: EraseContext,
  capability: EraseCapability,
  technique?: EraseTechnique,
): Promise<EraseOutcome> {
  const chosen = chooseTechnique('nvme', ctx, capability, technique);
  assertKind(ctx, checkKind(ctx), 'nvme erase');
  if (capability.facts['method'] === 'sanitize') return eraseBySanitize(ctx, capability, chosen);
  if (capability.facts['method'] === 'format') return eraseByFormat(ctx, chosen);
  throw new CleanslateError('ERR_ERASE_UNSUPPORTED', 'the capability names no nvme method (sanitize or format)', {
    target: targetOf(ctx.identity),
    step: 'nvme erase',
  });
}

export const nvmeBackend: EraseBackend = {
  id: 'nvme',
  label: 'NVMe sanitize / format secure erase',
  source: 'NVMe Base Specification 2.0c §5.24 Sanitize, §5.23 Format NVM; nvme-cli 2.x',
  strength: 30,
  probe: probeNvme,
  erase: eraseNvme,
};
