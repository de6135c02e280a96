// Who is calling: the verified identity every handler receives from the auth module, whatever
// issued the token (OpenAuth today; a Cognito adapter would produce the same shape). The claims
// schema is also the issuer's subject schema, so what is minted is exactly what is accepted.
import * as z from "zod";

export const Role = z.enum(["customer", "operator"]);
export type Role = z.infer<typeof Role>;

export const CustomerId = z.string().regex(/^cus_[0-9a-z]{26}$/, "not a customer id");

/** The token's subject properties: `{ customerId, email, roles }` (email verified, normalized). */
export const PrincipalClaims = z
  .object({
    customerId: CustomerId,
    email: z.email().max(254),
    roles: z.array(Role).min(1).max(2),
  })
  .strict();

export interface Principal {
  readonly customerId: string;
  readonly email: string;
  readonly roles: readonly Role[];
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}

/** The one spelling of an email address the shop compares and indexes: trimmed, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
