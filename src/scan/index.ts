/**
 * scan: the residual-signature scanner of DESIGN §5: the signature catalogue and content rules
 * (data), their validators, the sampler and the scanner over a read-only Target. Must not import
 * erase, exec, devices, core or cli; reads only through io.
 */
export { FINDING_KINDS, categoryOf, type Finding, type FindingCategory, type FindingKind } from './kinds.js';
export { planSample, samplesFor, type SampleOptions, type SamplePlan } from './sampler.js';
export {
  scanTarget,
  SCAN_BLOCK,
  type Expectation,
  type ScanOptions,
  type ScanResult,
  type ScanStats,
} from './scanner.js';
