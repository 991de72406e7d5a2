#!/usr/bin/env node
// Runs one engine operation against a target and prints {op, bytes, seconds, maxRssBytes} as JSON.
// Used by scripts/bench.sh; imports the built engine (dist/io) directly, not the CLI.
//   node scripts/bench-engine.mjs zero|random|verify-zero|verify-random TARGET [--chunk BYTES] [--in-flight N]
import { openTarget, verifyPass, writePass } from '../dist/io/index.js';

const [op, path, ...rest] = process.argv.slice(2);
const flag = (name) => {
  const i = rest.indexOf(name);
  return i === -1 ? undefined : Number(rest[i + 1]);
};
if (!op || !path) {
  console.error(
    'usage: bench-engine.mjs zero|random|verify-zero|verify-random TARGET [--chunk BYTES] [--in-flight N] [--key HEX]',
  );
  process.exit(2);
}
// A fixed key, so verify-random can check what a previous random run wrote.
const keyIndex = rest.indexOf('--key');
const keyHex = keyIndex === -1 ? 'c1ea45' + '00'.repeat(29) : rest[keyIndex + 1];
const pattern = op.endsWith('random') ? { kind: 'aes-ctr', keyHex } : { kind: 'bytes', bytes: [0] };
const options = {
  ...(flag('--chunk') ? { chunkSize: flag('--chunk') } : {}),
  ...(flag('--in-flight') ? { inFlight: flag('--in-flight') } : {}),
};

const target = await openTarget(path, { access: op.startsWith('verify') ? 'read' : 'write' });
try {
  const started = performance.now();
  let bytes;
  let mismatches;
  if (op.startsWith('verify')) {
    const result = await verifyPass(target, pattern, options);
    bytes = result.bytesRead;
    mismatches = result.mismatches;
  } else {
    bytes = (await writePass(target, pattern, options)).bytes;
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  const maxRssBytes = usage.maxRSS * 1024;
  const cpu = {
    userSeconds: usage.userCPUTime / 1e6,
    systemSeconds: usage.systemCPUTime / 1e6,
    minorFaults: usage.minorPageFault,
  };
  console.log(
    JSON.stringify({
      op,
      bytes,
      seconds,
      maxRssBytes,
      ...(mismatches === undefined ? {} : { mismatches }),
      direct: target.direct,
      ...cpu,
    }),
  );
} finally {
  await target.close();
}
