"use client";
// The console's gate: asks the storefront who is signed in (/api/session: email and roles, never
// the token) and renders the console for an operator; a stranger is sent to sign in, a customer is
// told the console is for operators. The API checks the token and the operator role on every
// call regardless; this only keeps a customer from staring at an empty console.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createAdminApi, type AdminApi } from "../../lib/admin-api";
import { ApiError } from "../../lib/shop-api";
import { useSession } from "../../lib/session-client";

const AdminApiContext = createContext<AdminApi | null>(null);

export function useAdminApi(): AdminApi {
  const api = useContext(AdminApiContext);
  if (!api) throw new Error("useAdminApi must be used inside <OperatorGate>.");
  return api;
}

/** True for the API's refusals that mean "not an operator" (the page shows the refusal). */
export function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export function OperatorGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const api = useMemo(() => createAdminApi(), []);
  if (session.status === "loading") return <p className="muted">Loading…</p>;
  if (session.status === "signedOut") {
    return (
      <section className="admin-refused">
        <h1>Operator console</h1>
        <p>
          <a className="button button-primary" href="/auth/sign-in?returnTo=/admin">
            Sign in
          </a>{" "}
          with an operator account to continue.
        </p>
      </section>
    );
  }
  if (!session.roles.includes("operator")) return <Refused />;
  return <AdminApiContext value={api}>{children}</AdminApiContext>;
}

export function Refused() {
  return (
    <section className="admin-refused" role="alert">
      <h1>Operators only</h1>
      <p>The console is for the shop&apos;s operators; this account is not one.</p>
    </section>
  );
}
