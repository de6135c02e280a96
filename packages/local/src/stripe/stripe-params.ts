// Validation of the simulator's create parameters (`POST /v1/checkout/sessions`,
// `POST /v1/refunds`) as Stripe validates them: the form-encoded body arrives as strings and
// nested objects (qs), unknown parameters are refused, and errors name the parameter in Stripe's
// bracket syntax (`line_items[0][quantity]`). Only the subset of Stripe's parameters this app (or
// a close copy of it) uses is accepted; the rest fail loudly with Stripe's own "unknown parameter"
// error rather than being ignored.
import { z } from "zod";
import { invalidParameter, missingParameter, StripeApiError, unknownParameter } from "./stripe-api-error";

const integer = z.string().regex(/^-?\d+$/, "Invalid integer").transform(Number);
const positiveInteger = integer.refine((n) => n >= 1, "must be at least 1");
const nonNegativeInteger = integer.refine((n) => n >= 0, "must be at least 0");

const Metadata = z
  .record(z.string().max(40, "Metadata keys can be at most 40 characters"), z.string().max(500, "Metadata values can be at most 500 characters"))
  .refine((metadata) => Object.keys(metadata).length <= 50, "Metadata can have at most 50 keys");

const LineItem = z
  .object({
    quantity: positiveInteger,
    price_data: z
      .object({
        currency: z.string().regex(/^[A-Za-z]{3}$/, "Invalid currency").transform((c) => c.toLowerCase()),
        unit_amount: nonNegativeInteger,
        product_data: z
          .object({
            name: z.string().min(1),
            description: z.string().optional(),
            images: z.array(z.string()).max(8).optional(),
            metadata: Metadata.optional(),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();

export const CheckoutSessionCreateParams = z
  .object({
    mode: z.enum(["payment"], { message: "The Stripe simulator supports mode=payment only." }),
    success_url: z.url({ protocol: /^https?$/ }),
    cancel_url: z.url({ protocol: /^https?$/ }).optional(),
    customer_email: z.email().optional(),
    client_reference_id: z.string().min(1).max(200).optional(),
    metadata: Metadata.optional(),
    payment_intent_data: z.object({ metadata: Metadata.optional(), description: z.string().optional() }).strict().optional(),
    expires_at: integer.optional(),
    line_items: z.array(LineItem).min(1).max(100),
    payment_method_types: z.array(z.enum(["card", "us_bank_account"])).min(1).optional(),
    expand: z.array(z.string()).optional(),
  })
  .strict();
export type CheckoutSessionCreateParams = z.infer<typeof CheckoutSessionCreateParams>;

export const RefundCreateParams = z
  .object({
    payment_intent: z.string().min(1).optional(),
    charge: z.string().min(1).optional(),
    amount: positiveInteger.optional(),
    reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
    metadata: Metadata.optional(),
    expand: z.array(z.string()).optional(),
  })
  .strict();
export type RefundCreateParams = z.infer<typeof RefundCreateParams>;

export function parseRefundCreateParams(params: unknown): RefundCreateParams {
  const result = RefundCreateParams.safeParse(params);
  if (!result.success) throw toStripeError(result.error, params);
  if (!result.data.payment_intent && !result.data.charge) {
    throw new StripeApiError(400, "invalid_request_error", "One of `charge` or `payment_intent` is required.", "parameter_missing", "payment_intent");
  }
  return result.data;
}

/** `["line_items", 0, "quantity"]` → `line_items[0][quantity]`, as Stripe names parameters. */
export function stripeParamName(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (i === 0 ? String(part) : `[${String(part)}]`)).join("");
}

function valueAt(params: unknown, path: readonly PropertyKey[]): unknown {
  let value = params;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Parses the create parameters or throws the StripeApiError Stripe would answer with. */
export function parseCheckoutSessionCreateParams(params: unknown, now: Date): CheckoutSessionCreateParams {
  const result = CheckoutSessionCreateParams.safeParse(params);
  if (!result.success) throw toStripeError(result.error, params);
  const parsed = result.data;

  // Stripe measures the window from the session's creation (its receipt of the request), so a
  // client that sends exactly now + 30 min from its own clock is refused.
  if (parsed.expires_at !== undefined) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (parsed.expires_at < nowSeconds + 30 * 60) {
      throw invalidParameter("expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.");
    }
    if (parsed.expires_at > nowSeconds + 24 * 60 * 60) {
      throw invalidParameter("expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.");
    }
  }
  const currencies = new Set(parsed.line_items.map((item) => item.price_data.currency));
  if (currencies.size > 1) {
    throw invalidParameter("line_items", "All line items in a Checkout Session must use the same currency.");
  }
  return parsed;
}

function toStripeError(error: z.ZodError, params: unknown): StripeApiError {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") return unknownParameter(stripeParamName([...issue.path, issue.keys[0]!]));
  const param = stripeParamName(issue.path);
  if (issue.path.length > 0 && valueAt(params, issue.path) === undefined) return missingParameter(param);
  if (issue.path.length === 0) return new StripeApiError(400, "invalid_request_error", "The request body is not valid.");
  return invalidParameter(param, `Invalid ${param}: ${issue.message}`);
}
