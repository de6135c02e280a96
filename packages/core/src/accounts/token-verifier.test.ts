// The two errors a token verifier throws: what the log sees (name, reason, cause), whichever
// issuer is behind the seam.
import { describe, expect, it } from "vitest";
import { InvalidToken, TokenIssuerUnavailable } from "./token-verifier";

describe("token verifier errors", () => {
  it("InvalidToken names itself and keeps the reason, in the message too", () => {
    const error = new InvalidToken("expired");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "InvalidToken", reason: "expired", message: "The access token was refused (expired)." });
  });

  it("TokenIssuerUnavailable names itself and keeps what failed underneath", () => {
    const cause = new Error("connect ECONNREFUSED 127.0.0.1:443");
    const error = new TokenIssuerUnavailable(cause);
    expect(error).toMatchObject({ name: "TokenIssuerUnavailable", message: "The sign-in service's keys could not be fetched.", cause });
  });
});
