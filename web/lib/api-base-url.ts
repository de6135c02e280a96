// Where the API is, read from NEXT_PUBLIC_API_URL at request time on the server. Next inlines
// `process.env.NEXT_PUBLIC_*` member expressions at build time; reading it by computed name
// keeps it out of the bundle, so one build runs against any stage (the e2e suite starts the
// built storefront against a stack on ports picked at run time). The browser gets the value
// from the root layout (ApiUrlProvider), never from an inlined constant.
import "server-only";

const VARIABLE = "NEXT_PUBLIC_API_URL";
/** `npm run dev`'s API address, for `next dev` started by hand without the variable. */
const LOCAL_DEFAULT = "http://127.0.0.1:3001";

export function apiBaseUrl(): string {
  const value = process.env[VARIABLE]?.trim();
  if (value) return value.replace(/\/+$/, "");
  if (process.env.NODE_ENV !== "production") return LOCAL_DEFAULT;
  throw new Error(`${VARIABLE} is not set: the storefront does not know where the API is.`);
}
