"use client";
// Who is signed in, for the browser: asked once per page load from the storefront's own
// /api/session (the tokens stay in httpOnly cookies; the browser only learns the email and roles).
import { useEffect, useState } from "react";

export type SessionState = { status: "loading" } | { status: "signedOut" } | { status: "signedIn"; email: string; roles: string[] };

let pending: Promise<SessionState> | undefined;

function loadSession(): Promise<SessionState> {
  pending ??= fetch("/api/session", { cache: "no-store", headers: { accept: "application/json" } })
    .then(async (response) => {
      const body = (await response.json()) as { signedIn?: boolean; email?: string; roles?: string[] };
      return body.signedIn && body.email ? { status: "signedIn" as const, email: body.email, roles: body.roles ?? [] } : { status: "signedOut" as const };
    })
    .catch(() => ({ status: "signedOut" as const }));
  return pending;
}

export function useSession(): SessionState {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  useEffect(() => {
    let live = true;
    void loadSession().then((session) => live && setState(session));
    return () => {
      live = false;
    };
  }, []);
  return state;
}
