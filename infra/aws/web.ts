// The Next.js storefront (web/). It is served through a CloudFront Router created before the API,
// so the storefront's URL is known when the API's CORS origin is set, while the site's server
// function is given the API's URL (NEXT_PUBLIC_API_URL, read at run time): no dependency cycle.
// Under `sst dev` no distribution is deployed: `next dev` runs locally at the declared dev URL.
import { catalogCaching, lambdaRuntime, storefront } from "../topology";

export function createStorefrontRouter(): sst.aws.Router {
  return new sst.aws.Router(storefront.router);
}

/**
 * The API's catalog routes through the router's CloudFront cache, at `catalogCaching.catalogPath`
 * (`/api/products…` → the API's `/products…`). The router's cache policy (SST's server policy:
 * TTLs from the origin, 0 by default, query strings in the key) honours the routes' own
 * Cache-Control, `s-maxage` and `stale-while-revalidate`: each edge asks the API at most once
 * per product every few seconds, however many shoppers look. Orders do not go through it.
 */
export function routeCatalogThroughRouter(router: sst.aws.Router, apiUrl: $util.Input<string>): void {
  router.route(catalogCaching.catalogPath, apiUrl, { rewrite: { regex: "^/api/(.*)$", to: "/$1" } });
}

export function createStorefront(options: { apiUrl: $util.Input<string>; authUrl: $util.Input<string>; router: sst.aws.Router | undefined }): sst.aws.Nextjs {
  return new sst.aws.Nextjs(storefront.resource, {
    path: storefront.path,
    ...(options.router ? { router: { instance: options.router } } : {}),
    // Passed to `next build` (inlined into the browser bundle) and to the server function.
    // The issuer's URL and the storefront's own public one are read by its server only (sign-in
    // redirect, code exchange).
    environment: {
      [storefront.apiUrlEnv]: options.apiUrl,
      [storefront.authUrlEnv]: options.authUrl,
      [storefront.publicUrlEnv]: options.router ? options.router.url : storefront.devUrl,
    },
    server: { runtime: lambdaRuntime.runtime, architecture: lambdaRuntime.architecture },
    dev: { url: storefront.devUrl },
  });
}
