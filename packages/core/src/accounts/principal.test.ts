// Who is calling: roles are checked exactly, and an email has one spelling (trimmed, lower case)
// everywhere the shop compares or indexes it.
import { describe, expect, it } from "vitest";
import { hasRole, normalizeEmail, PrincipalClaims } from "./principal";

describe("principal", () => {
  it("hasRole: only the roles the principal holds", () => {
    const customer = { customerId: "cus_0000000000000000000000000a", email: "a@example.com", roles: ["customer"] as const };
    expect(hasRole(customer, "customer")).toBe(true);
    expect(hasRole(customer, "operator")).toBe(false);
    expect(hasRole({ ...customer, roles: ["customer", "operator"] }, "operator")).toBe(true);
  });

  it("normalizeEmail: trimmed and lower case", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.COM \n")).toBe("ada.lovelace@example.com");
  });

  it("PrincipalClaims: exactly a customer id, an email and one or two known roles", () => {
    const claims = { customerId: "cus_0123456789abcdefghjkmnpqrs", email: "a@example.com", roles: ["customer"] };
    expect(PrincipalClaims.safeParse(claims).success).toBe(true);
    expect(PrincipalClaims.safeParse({ ...claims, roles: ["customer", "operator"] }).success).toBe(true);
    for (const bad of [
      { ...claims, customerId: "cus_short" },
      { ...claims, customerId: `x${claims.customerId}` },
      { ...claims, customerId: `${claims.customerId}x` },
      { ...claims, roles: ["customer", "operator", "customer"] },
      { ...claims, email: "not-an-email" },
      { ...claims, roles: [] },
      { ...claims, roles: ["admin"] },
      { ...claims, extra: true },
    ]) {
      expect(PrincipalClaims.safeParse(bad).success).toBe(false);
    }
  });
});
