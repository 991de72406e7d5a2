// Issuing a certificate: build the Statement of a passed run and sign it as a DSSE envelope.
import { CleanslateError } from '../errors/index.js';
import type { Signer } from '../types.js';
import { formatCertificate } from './certificate-file.js';
import { signEnvelope, type Envelope } from './dsse.js';
import type { CertificateInput, Statement } from './model.js';
import { buildStatement, certificateFileName } from './statement.js';

export interface SignedCertificate {
  statement: Statement;
  envelope: Envelope;
  /** `<certificateId>.cert.json`. */
  fileName: string;
  /** The file content (formatCertificate(envelope)). */
  text: string;
}

// Builds and signs the certificate of a passed run. signingKeyId defaults to the signer's key id
// and MUST equal it when given.
export function signCertificate(
  input: Omit<CertificateInput, 'signingKeyId'> & { signingKeyId?: string },
  signer: Signer,
): SignedCertificate {
  if (input.signingKeyId !== undefined && input.signingKeyId !== signer.keyId) {
    throw new CleanslateError(
      'ERR_INTERNAL',
      `signingKeyId ${input.signingKeyId} is not the signer's key ${signer.keyId}`,
      { step: 'sign certificate' },
    );
  }
  const statement = buildStatement({ ...input, signingKeyId: signer.keyId });
  const envelope = signEnvelope(statement, signer);
  return {
    statement,
    envelope,
    fileName: certificateFileName(statement.predicate.certificateId),
    text: formatCertificate(envelope),
  };
}
