/**
 * cert: sanitization certificates (DESIGN §7). Ed25519 keys (keys.ts), DSSE envelopes (dsse.ts),
 * the in-toto Statement and its predicate (model.ts, statement.ts, schema.ts), signing (sign.ts),
 * verification of hostile input (verify.ts), certificate files, and rendering (render-*.ts).
 * Imports node:crypto, node:fs, canonicalize, errors and types only; must not import io, exec,
 * devices, core or cli.
 */
export type { Signer } from '../types.js';
export {
  generateKeyPair,
  hostKeyPaths,
  keyIdOf,
  loadOrCreateHostKey,
  loadPublicKey,
  loadSigningKey,
  loadTrustDir,
  parsePublicKey,
  signerOf,
  writeKeyPair,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  type GeneratedKeyPair,
  type HostKey,
  type KeyPairFiles,
} from './keys.js';
export {
  canonicalBytes,
  envelopePayload,
  pae,
  signEnvelope,
  verifyEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type Envelope,
  type EnvelopeSignature,
  type VerifiedEnvelope,
} from './dsse.js';
export {
  DEVICE_URN_PREFIX,
  FINAL_STATE_SAMPLE_SCHEME,
  PREDICATE_TYPE,
  STATEMENT_TYPE,
  type CertificateEraseInput,
  type CertificateInput,
  type CertificateMediaInput,
  type CertificatePassInput,
  type Extent,
  type FinalStatePattern,
  type MediaType,
  type Person,
  type SanitizationPredicate,
  type Statement,
} from './model.js';
export {
  buildStatement,
  certificateFileName,
  deviceIdentityDigest,
  deviceIdentityOf,
  digestFinalStateSamples,
  finalStatePatternOf,
  finalStateSampleOffsets,
  mediaTypeOf,
} from './statement.js';
export { findStatementProblem } from './schema.js';
export { signCertificate, type SignedCertificate } from './sign.js';
export {
  inspectCertificate,
  readEnvelope,
  resolveTrust,
  verifyCertificate,
  MAX_CERT_BYTES,
  MAX_JSON_DEPTH,
  type InspectedCertificate,
  type TrustOptions,
  type VerifiedCertificate,
} from './verify.js';
export { formatCertificate, readCertificateFile, writeCertificateFile } from './certificate-file.js';
