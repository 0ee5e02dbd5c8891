export type { FetchFunction, FetchResponseLike, LegRequestInit, WithAuthOptions } from './with-auth.js';
export { withAuth } from './with-auth.js';
