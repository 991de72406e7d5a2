// Streams a file line by line with flat memory: a line over the cap is reported, never buffered.
import { createReadStream } from 'node:fs';

export interface RawLine {
  /** 1-based line number. */
  line: number;
  /** The decoded text without the newline; undefined when the line is too long or not UTF-8. */
  text: string | undefined;
  problem?: 'too-long' | 'not-utf8';
  /** Bytes of the line without the newline. */
  byteLength: number;
  /** False for a last line that has no newline (a truncated file). */
  terminated: boolean;
}

// Yields every line of path; a final fragment without newline is yielded with terminated: false.
export async function* readRawLines(path: string, maxLineBytes: number): AsyncGenerator<RawLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let parts: Buffer[] = [];
  let size = 0;
  let line = 0;
  const finish = (terminated: boolean): RawLine => {
    line += 1;
    const result: RawLine = { line, text: undefined, byteLength: size, terminated };
    if (size > maxLineBytes) result.problem = 'too-long';
    else {
      try {
        result.text = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
      } catch {
        result.problem = 'not-utf8';
      }
    }
    parts = [];
    size = 0;
    return result;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      size += end - start;
      if (size <= maxLineBytes) parts.push(chunk.subarray(start, end));
      else parts = [];
      if (nl === -1) break;
      yield finish(true);
      start = nl + 1;
    }
  }
  if (size > 0) yield finish(false);
}
