"use client";
// The header's account entry: "Sign in" (to the issuer, back to this page afterwards) or "Account".
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useSession } from "../lib/session-client";

export function AccountLink() {
  const session = useSession();
  const pathname = usePathname();
  if (session.status === "signedIn") return <Link href="/account">Account</Link>;
  const returnTo = pathname.startsWith("/auth") ? "/account" : pathname;
  // A full navigation (not a client-side route change): the sign-in route redirects to the issuer.
  return (
    <a href={`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`} aria-busy={session.status === "loading" ? true : undefined}>
      Sign in
    </a>
  );
}
