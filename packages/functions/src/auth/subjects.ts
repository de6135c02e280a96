// The one subject OpenAuth tokens carry, shared by the issuer (what it mints) and the verifier
// (what it accepts): a customer with `{ customerId, email, roles }`. Zod schemas implement the
// Standard Schema interface OpenAuth validates with.
import { createSubjects } from "@openauthjs/openauth/subject";
import { PrincipalClaims } from "@shopwave/core/accounts/principal";

export const subjects = createSubjects({ customer: PrincipalClaims });
