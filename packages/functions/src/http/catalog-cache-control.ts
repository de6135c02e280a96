// The Cache-Control of the catalog routes: a few seconds in browsers and the CDN, then stale
// while the CDN fetches a fresh copy (durations declared once in infra/topology.ts). Catalog
// reads then stay flat however many shoppers look; stock shown may be seconds old, and the
// reservation transaction, not the page, decides what can be bought.
import { catalogCaching } from "@shopwave/infra/topology";

export const CATALOG_CACHE_CONTROL =
  `public, max-age=${catalogCaching.maxAgeSeconds}, s-maxage=${catalogCaching.sharedMaxAgeSeconds}, ` +
  `stale-while-revalidate=${catalogCaching.staleWhileRevalidateSeconds}`;
