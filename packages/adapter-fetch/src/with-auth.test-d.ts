// Types only: typechecked (by this package's typecheck and by
// conformance/types.test.ts), never run.
import { BasicAuth } from '@authbelt/basic';
import { Agent, type Response as UndiciResponse, fetch as undiciFetch } from 'undici';
import { expectTypeOf } from 'vitest';
import { withAuth } from './with-auth.js';

const auth = new BasicAuth('Aladdin', 'open sesame');

// undici's own fetch is taken and its type kept, so its `dispatcher` option needs no cast.
const viaUndici = withAuth(undiciFetch, auth);
expectTypeOf(viaUndici).toEqualTypeOf<typeof undiciFetch>();
expectTypeOf(viaUndici('http://127.0.0.1/', { dispatcher: new Agent() })).resolves.toEqualTypeOf<UndiciResponse>();

// The global fetch comes back as itself.
expectTypeOf(withAuth(fetch, auth)).toEqualTypeOf<typeof fetch>();
expectTypeOf(withAuth(globalThis.fetch, auth, { maxLegs: 3 })).toEqualTypeOf<typeof fetch>();

// So does any function shaped like fetch.
const logged = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => fetch(input, init);
expectTypeOf(withAuth(logged, auth)).toEqualTypeOf<typeof logged>();

// Not what cannot take a URL string, or resolves to no response.
// @ts-expect-error: a number is no URL
withAuth(async (input: number) => new Response(String(input)), auth);
// @ts-expect-error: a string is no response
withAuth(async (input: string) => input, auth);
// @ts-expect-error: an unknown option
withAuth(fetch, auth, { maxleg: 3 });
