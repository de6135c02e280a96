// What the global setup tells the test workers (through the environment they inherit), and
// the secrets the storefront is built with so the bundle scan can look for them.

export interface E2eEnvironment {
  /** The storefront as a shopper opens it (also the origin the API allows). */
  storefrontUrl: string;
  /** The API itself, for tests acting as another shopper. */
  apiUrl: string;
  /** The API address the storefront was given (the switchable pass-through). */
  storefrontApiUrl: string;
  /** Switches the pass-through the storefront reaches the API by (see switchable-proxy.ts). */
  proxyControlUrl: string;
  /** The local SES inbox: sign-in codes and order emails arrive there (test/support/inbox.ts reads it). */
  inboxUrl: string;
  /** The stack's operator allowlist (OPERATOR_EMAILS): this email signs in to /admin as an operator. */
  operatorEmail: string;
  /** The local SQS, and the order-events queue on it (the dead-letter journey parks a message the way a failing worker would). */
  sqsUrl: string;
  orderEventsQueueUrl: string;
  /** POST {orderWorkerControlUrl}/pause and /resume stop and restart the order-events worker (see pausable-order-worker.ts). */
  orderWorkerControlUrl: string;
}

const VARIABLE = "SHOPWAVE_E2E";

/** The one operator of the journeys' stack (the console's journeys sign in with it). */
export const E2E_OPERATOR_EMAIL = "operator@shop.example";

export function publishE2eEnvironment(environment: E2eEnvironment): void {
  process.env[VARIABLE] = JSON.stringify(environment);
}

export function e2eEnvironment(): E2eEnvironment {
  const raw = process.env[VARIABLE];
  if (!raw) throw new Error(`${VARIABLE} is not set: run the suite with \`npm run e2e\` (its global setup starts the stack).`);
  return JSON.parse(raw) as E2eEnvironment;
}

/**
 * Secret values present in the environment of the e2e build, shaped like the real ones. None
 * may appear in anything the storefront sends to a browser.
 */
export const buildCanaries = {
  STRIPE_SECRET_KEY: "sk_test_51CanaryE2eSecretKeyMustNeverReachTheBrowser",
  STRIPE_WEBHOOK_SECRET: "whsec_CanaryE2eWebhookSigningSecretNeverInBundles",
  AWS_ACCESS_KEY_ID: "AKIACANARYE2E0000001",
  AWS_SECRET_ACCESS_KEY: "CanaryE2eAwsSecretAccessKey/NeverInBundle01",
} as const;
