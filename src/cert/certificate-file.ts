// Certificate files: `<certificateId>.cert.json`, written once (exclusive create, 0644, fsync) and
// read with a size limit, so a huge or endless file (a FIFO, /dev/zero) is refused without reading it all.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CleanslateError, isErrno } from '../errors/index.js';
import type { Envelope } from './dsse.js';
import { certificateFileName } from './statement.js';
import { MAX_CERT_BYTES } from './verify.js';

// The JSON text of a certificate file: the envelope, two-space indented, newline-terminated.
export function formatCertificate(envelope: Envelope): string {
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

// Writes <dir>/<certificateId>.cert.json exclusively (mode 0644) and fsyncs it; resolves its path.
export function writeCertificateFile(dir: string, certificateId: string, envelope: Envelope): string {
  const path = join(dir, certificateFileName(certificateId));
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw new CleanslateError(
      isErrno(error, 'EEXIST') ? 'ERR_USAGE' : 'ERR_IO',
      `cannot create the certificate file: ${(error as Error).message}`,
      { target: path, step: 'write certificate', cause: error },
    );
  }
  try {
    const data = Buffer.from(formatCertificate(envelope), 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

// Reads a certificate file of at most MAX_CERT_BYTES; ERR_CERT_MALFORMED (exit 2) if it cannot be
// read, is not a regular file, or is larger.
export function readCertificateFile(path: string): Buffer {
  const fail = (message: string, cause?: unknown): never => {
    throw new CleanslateError('ERR_CERT_MALFORMED', message, { target: path, step: 'read certificate', cause });
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return fail(`cannot read the certificate: ${(error as Error).message}`, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) fail('the certificate is not a regular file');
    if (stats.size > MAX_CERT_BYTES) fail(`the certificate is larger than ${MAX_CERT_BYTES} bytes`);
    const buf = Buffer.alloc(MAX_CERT_BYTES + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_CERT_BYTES) fail(`the certificate is larger than ${MAX_CERT_BYTES} bytes`);
    }
    return buf.subarray(0, total);
  } catch (error) {
    if (error instanceof CleanslateError) throw error;
    return fail(`cannot read the certificate: ${(error as Error).message}`, error);
  } finally {
    closeSync(fd);
  }
}
