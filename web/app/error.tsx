"use client";
// What a shopper sees when a page cannot be rendered, most often because the API is briefly
// unreachable: a plain explanation and a "Try again" that re-fetches the page from the server.
import { useEffect, useRef } from "react";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    console.error(error);
    heading.current?.focus();
  }, [error]);
  return (
    <div className="empty-state" role="alert">
      <h1 ref={heading} tabIndex={-1}>
        We couldn't load this page
      </h1>
      <p>The shop may be briefly unavailable. Your cart is safe. Please try again in a moment.</p>
      <button type="button" className="button button-primary" onClick={() => retry()}>
        Try again
      </button>
    </div>
  );
}
