// The document shell every page shares: landmarks (skip link, header with navigation, main,
// footer), the API address handed to client components, and global styles. Rendering waits
// for a request (connection()): each response needs its own CSP nonce, and the API address
// is read at run time, not frozen at build.
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ApiUrlProvider } from "../components/api-url-provider";
import { AccountLink } from "../components/account-link";
import { CartLink } from "../components/cart-link";
import { apiBaseUrl } from "../lib/api-base-url";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Shopwave · Harbor & Pine goods", template: "%s · Shopwave" },
  description: "Homeware and outdoor goods from Harbor & Pine, on Shopwave, an open-source serverless shop.",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#1f4f63",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <ApiUrlProvider apiUrl={apiBaseUrl()}>
          <header className="site-header">
            <div className="container header-row">
              <Link href="/" className="brand">
                <span className="brand-mark" aria-hidden="true" />
                Shopwave
              </Link>
              <nav aria-label="Main">
                <ul className="nav-list">
                  <li>
                    <Link href="/">Shop</Link>
                  </li>
                  <li>
                    <CartLink />
                  </li>
                  <li>
                    <AccountLink />
                  </li>
                </ul>
              </nav>
            </div>
          </header>
          <main id="main" className="container" tabIndex={-1}>
            {children}
          </main>
          <footer className="site-footer">
            <div className="container">
              <p>Test mode: pay with a Stripe test card; no real money moves. Harbor &amp; Pine is a fictional maker.</p>
            </div>
          </footer>
        </ApiUrlProvider>
      </body>
    </html>
  );
}
