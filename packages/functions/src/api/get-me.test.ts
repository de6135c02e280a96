// GET /me: the signed-in customer as their verified token says; no token or a forged one is a 401.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { bodyOf, captureOutput, lambdaContext } from "../../../../test/support/handler-harness";
import { CUSTOMER, OPERATOR, startAdminHarness, type AdminHarness } from "../../../../test/support/admin-harness";

let h: AdminHarness;
let out: ReturnType<typeof captureOutput>;
let getMe: (typeof import("./get-me"))["handler"];
beforeAll(async () => {
  h = await startAdminHarness();
  ({ handler: getMe } = await h.load(() => import("./get-me")));
});
afterAll(() => h?.stop());
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => vi.restoreAllMocks());

const me = (token: string | null) => getMe(h.event("GET /me", { token }), lambdaContext("get-me"));

describe("GET /me", () => {
  it("answers the customer's id, email and roles from their token", async () => {
    const response = await me(h.customerToken);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ customerId: CUSTOMER.customerId, email: CUSTOMER.email, roles: CUSTOMER.roles });
    expect(bodyOf(await me(h.operatorToken))).toEqual({ customerId: OPERATOR.customerId, email: OPERATOR.email, roles: OPERATOR.roles });
    expect(out.logged("request")).toEqual([
      expect.objectContaining({ route: "GET /me", statusCode: 200 }),
      expect.objectContaining({ route: "GET /me", statusCode: 200 }),
    ]);
  });

  it("answers 401 without a token and to a token signed with a key the issuer does not publish", async () => {
    for (const token of [null, await h.issuer.sign(CUSTOMER, { unpublishedKey: true })]) {
      const response = await me(token);
      expect(response.statusCode).toBe(401);
      expect(bodyOf(response).error.code).toBe("UNAUTHENTICATED");
    }
  });
});
