#!/usr/bin/env node
// Entry point: size libuv's thread pool for several writes in flight before anything uses it,
// then hand over to the compiled CLI.
//
// The pool is created on first use with UV_THREADPOOL_SIZE threads and never grows. Each device
// being wiped keeps 3–4 transfers in flight on it, and fs calls, the audit log and the scan's reads
// need a few more, so `wipe --parallel N` needs about 4N+4 threads: 16 covers N ≤ 3; more is read
// from the --parallel argument here, before anything is imported. Capped at 128 (every thread
// reserves its stack, and 2 cores gain nothing from more); an explicit UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= String(threadsFor(process.argv.slice(2)));
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);

// The thread-pool size for an argument list: max(16, 4N+4) for --parallel N, at most 128.
function threadsFor(args) {
  let parallel = 1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    const value = arg === '--parallel' ? args[i + 1] : arg.startsWith('--parallel=') ? arg.slice(11) : undefined;
    // a bad value is left for the CLI to refuse (exit 2)
    if (value !== undefined && /^\d+$/.test(value)) parallel = Number(value);
  }
  return Math.min(128, Math.max(16, 4 * parallel + 4));
}
