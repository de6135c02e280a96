"use client";
// The console's gate: renders its children with an admin API client once an operator token is
// held in this tab, and otherwise (or when the API answers 401/403) asks the visitor to sign in
// as an operator. The API checks the token and the operator role on every call; this only keeps
// a customer or a stranger from staring at an empty console.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { createAdminApi, type AdminApi } from "../../lib/admin-api";
import { ApiError } from "../../lib/shop-api";
import { operatorToken } from "../../lib/operator-session";
import { useApiUrl } from "../api-url-provider";

const AdminApiContext = createContext<AdminApi | null>(null);

export function useAdminApi(): AdminApi {
  const api = useContext(AdminApiContext);
  if (!api) throw new Error("useAdminApi must be used inside <OperatorGate>.");
  return api;
}

/** True for the API's refusals that mean "not an operator" (the page shows the sign-in prompt). */
export function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export function OperatorGate({ children }: { children: ReactNode }) {
  const apiUrl = useApiUrl();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => setToken(operatorToken()), []);
  if (token === undefined) return <p className="muted">Loading…</p>;
  if (token === null) return <Refused />;
  return <AdminApiContext value={createAdminApi(apiUrl, token)}>{children}</AdminApiContext>;
}

export function Refused() {
  return (
    <section className="admin-refused" role="alert">
      <h1>Operators only</h1>
      <p>The console is for the shop&apos;s operators. Sign in with an operator account to continue.</p>
    </section>
  );
}
