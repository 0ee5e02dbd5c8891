// The part of oidc-provider 9 (which ships no types) the interop harness uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Token {
    clientId: string;
    accountId?: string;
    jkt?: string;
    isExpired: boolean;
    destroy(): Promise<void>;
  }
  interface TokenModel {
    find(value: string): Promise<Token | undefined>;
  }
  interface DeviceCode {
    clientId: string;
    scope?: string;
    accountId?: string;
    grantId?: string;
    authTime?: number;
    error?: string;
    errorDescription?: string;
    save(): Promise<string>;
  }
  interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface Context {
    path: string;
    oidc: { params?: Record<string, unknown> };
  }
  // biome-ignore lint/style/noDefaultExport: oidc-provider's own export is a default one.
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    AccessToken: TokenModel;
    ClientCredentials: TokenModel;
    DeviceCode: { findByUserCode(userCode: string): Promise<DeviceCode | undefined> };
    Grant: new (properties: {
      accountId: string;
      clientId: string;
    }) => Grant;
    on(event: 'grant.success', listener: (ctx: Context) => void): this;
    on(event: 'grant.error', listener: (ctx: Context, error: unknown) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    use(middleware: (ctx: Context, next: () => Promise<void>) => Promise<void>): void;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
