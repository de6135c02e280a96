// The Next.js storefront (web/). It is served through a CloudFront Router created before the API,
// so the storefront's URL is known when the API's CORS origin is set, while the site's server
// function is given the API's URL (NEXT_PUBLIC_API_URL, read at run time): no dependency cycle.
// Under `sst dev` no distribution is deployed: `next dev` runs locally at the declared dev URL.
import { lambdaRuntime, storefront } from "../topology";

export function createStorefrontRouter(): sst.aws.Router {
  return new sst.aws.Router(storefront.router);
}

export function createStorefront(options: { apiUrl: $util.Input<string>; authUrl: $util.Input<string>; router: sst.aws.Router | undefined }): sst.aws.Nextjs {
  return new sst.aws.Nextjs(storefront.resource, {
    path: storefront.path,
    ...(options.router ? { router: { instance: options.router } } : {}),
    // Passed to `next build` (inlined into the browser bundle) and to the server function.
    // The issuer's URL is read by the storefront's server only (sign-in redirect, code exchange).
    environment: { [storefront.apiUrlEnv]: options.apiUrl, [storefront.authUrlEnv]: options.authUrl },
    server: { runtime: lambdaRuntime.runtime, architecture: lambdaRuntime.architecture },
    dev: { url: storefront.devUrl },
  });
}
