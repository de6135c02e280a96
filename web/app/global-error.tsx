"use client";
// Last resort when even the root layout fails: its own document, the same plain message.
import "./globals.css";

export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="container">
          <title>Something went wrong · Shopwave</title>
          <div className="empty-state" role="alert">
            <h1>We couldn't load this page</h1>
            <p>The shop may be briefly unavailable. Please try again in a moment.</p>
            <button type="button" className="button button-primary" onClick={() => retry()}>
              Try again
            </button>
          </div>
        </main>
      </body>
    </html>
  );
}
