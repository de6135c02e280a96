// Any URL the storefront does not have.
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <div className="empty-state">
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <Link className="button button-primary" href="/">
        Go to the shop
      </Link>
    </div>
  );
}
