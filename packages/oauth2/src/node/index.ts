export type { LoopbackSignInOptions } from './loopback.js';
export { signInWithLoopback } from './loopback.js';
