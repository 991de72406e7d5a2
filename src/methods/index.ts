/**
 * methods: the wipe method table (data) and the pure planner that turns a method and a seed into
 * the exact passes of one run. No side effects; imports only types and node:crypto hashing.
 */
export { WIPE_METHODS, findMethod, type MethodId } from './table.js';
export { planWipe, describePassSpecs, SEED_BYTES } from './plan.js';
