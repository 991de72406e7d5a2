#!/usr/bin/env node
// Entry point: size libuv's thread pool for several writes in flight before anything uses it,
// then hand over to the compiled CLI.
process.env.UV_THREADPOOL_SIZE ??= '16';
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
