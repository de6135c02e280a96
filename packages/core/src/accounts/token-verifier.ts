// The seam between handlers and whatever issues customer tokens. OpenAuth's issuer is behind it
// today (packages/functions/src/auth/openauth-token-verifier.ts); a Cognito adapter would be
// another implementation of this one method, and no handler would change.
import type { Principal } from "./principal";

/** Why a token was refused: for the log and tests, never told to the client in detail. */
export type TokenRejection = "malformed" | "signature" | "expired" | "issuer" | "audience" | "claims";

export class InvalidToken extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`The access token was refused (${reason}).`);
    this.name = "InvalidToken";
  }
}

/** The issuer (or its key set) could not be reached: not the client's fault, so never a 401. */
export class TokenIssuerUnavailable extends Error {
  constructor(cause: unknown) {
    super("The sign-in service's keys could not be fetched.", { cause });
    this.name = "TokenIssuerUnavailable";
  }
}

export interface TokenVerifier {
  /** Resolves the token's principal, or throws InvalidToken / TokenIssuerUnavailable. */
  verify(token: string): Promise<Principal>;
}
