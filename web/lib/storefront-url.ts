// The storefront's public address, for every URL a shopper's browser is sent to on this site (the
// sign-in callback the issuer redirects to, the page after it): STOREFRONT_URL, the setting the
// issuer pins its one allowed callback to (on AWS the CloudFront router's URL, locally the
// stack's). Behind CloudFront the server may see its function's own host rather than the shop's,
// so the request's origin is only the fallback for a `next dev` started by hand without the setting.

const VARIABLE = "STOREFRONT_URL";

/** The base URL, without a trailing slash (the issuer compares `${base}/auth/callback` exactly). */
export function storefrontBaseUrl(requestOrigin: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env[VARIABLE]?.trim();
  return configured ? configured.replace(/\/+$/, "") : requestOrigin;
}

/** The origin of that base URL: where same-origin requests come from and redirects go. */
export function storefrontOrigin(requestOrigin: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return new URL(storefrontBaseUrl(requestOrigin, env)).origin;
}
