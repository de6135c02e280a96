// The simulator's Checkout Sessions and the PaymentIntents behind them: creation, payment by
// test card (synchronous) or test bank account (asynchronous, as ACH debits are), expiry on
// request or when `expires_at` passes. Every state change emits the Stripe event Stripe emits
// for it, carrying a snapshot of the object at that moment.
import { stripeId } from "./stripe-ids";
import { noSuchObject, StripeApiError } from "./stripe-api-error";
import type { CheckoutSessionCreateParams, RefundCreateParams } from "./stripe-params";
import type { CheckoutPageView } from "./hosted-checkout-page";
import { bankDebitOutcome, cardOutcome, type BankDebitOutcome, type CardOutcome } from "./test-payment-methods";

export type StripeObject = Record<string, unknown>;
export type EmitEvent = (type: string, object: StripeObject, request?: { id: string; idempotencyKey: string | null }) => void;

interface LineItemRecord {
  id: string;
  quantity: number;
  currency: string;
  unitAmount: number;
  name: string;
  description: string | null;
  productId: string;
  productMetadata: Record<string, string>;
}

interface SessionRecord {
  id: string;
  created: number;
  expiresAt: number;
  status: "open" | "complete" | "expired";
  paymentStatus: "unpaid" | "paid";
  successUrl: string;
  cancelUrl: string | null;
  customerEmail: string | null;
  customerDetails: { email: string | null; name: string | null } | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  paymentMethodTypes: ("card" | "us_bank_account")[];
  lineItems: LineItemRecord[];
  currency: string;
  amountTotal: number;
  paymentIntentId: string | null;
  url: string;
}

interface PaymentIntentRecord {
  id: string;
  created: number;
  amount: number;
  currency: string;
  status: "processing" | "succeeded" | "requires_payment_method";
  paymentMethodType: "card" | "us_bank_account";
  metadata: Record<string, string>;
  description: string | null;
  lastPaymentError: { code: string; message: string } | null;
  latestCharge: string;
  amountRefunded: number;
}

export type PaymentAttempt =
  | { kind: "redirect"; location: string }
  | { kind: "declined"; message: string }
  | { kind: "invalid"; field: string; message: string }
  | { kind: "not_open"; session: StripeObject };

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

export interface CheckoutSessionsOptions {
  /** Base URL of the hosted page (the simulator's own address). */
  hostedPageBaseUrl: () => string;
  emit: EmitEvent;
  /** How long an ACH debit takes to settle or fail (days on Stripe; seconds here); null: only on request. */
  bankDebitSettleMs: number | null;
  schedule: (run: () => void, delayMs: number) => void;
}

export class CheckoutSessions {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly paymentIntents = new Map<string, PaymentIntentRecord>();
  /** Bank debits waiting to settle, by session id. */
  private readonly pendingDebits = new Map<string, () => void>();

  constructor(private readonly options: CheckoutSessionsOptions) {}

  create(params: CheckoutSessionCreateParams, now: Date): StripeObject {
    const id = stripeId("cs_test", 58);
    const created = epoch(now);
    const lineItems = params.line_items.map(
      (item): LineItemRecord => ({
        id: stripeId("li"),
        quantity: item.quantity,
        currency: item.price_data.currency,
        unitAmount: item.price_data.unit_amount,
        name: item.price_data.product_data.name,
        description: item.price_data.product_data.description ?? null,
        productId: stripeId("prod", 14),
        productMetadata: item.price_data.product_data.metadata ?? {},
      }),
    );
    const session: SessionRecord = {
      id,
      created,
      expiresAt: params.expires_at ?? created + 24 * 60 * 60,
      status: "open",
      paymentStatus: "unpaid",
      successUrl: params.success_url,
      cancelUrl: params.cancel_url ?? null,
      customerEmail: params.customer_email ?? null,
      customerDetails: null,
      clientReferenceId: params.client_reference_id ?? null,
      metadata: params.metadata ?? {},
      paymentIntentMetadata: params.payment_intent_data?.metadata ?? {},
      paymentIntentDescription: params.payment_intent_data?.description ?? null,
      paymentMethodTypes: params.payment_method_types ?? ["card", "us_bank_account"],
      lineItems,
      currency: lineItems[0]!.currency,
      amountTotal: lineItems.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0),
      paymentIntentId: null,
      url: `${this.options.hostedPageBaseUrl()}/c/pay/${id}`,
    };
    this.sessions.set(id, session);
    return this.sessionObject(session);
  }

  retrieve(id: string): StripeObject {
    return this.sessionObject(this.require(id));
  }

  /** Newest first, as Stripe lists. */
  list(): StripeObject[] {
    return [...this.sessions.values()].reverse().map((session) => this.sessionObject(session));
  }

  lineItems(id: string): StripeObject[] {
    const session = this.require(id);
    return session.lineItems.map((line) => ({
      id: line.id,
      object: "item",
      amount_discount: 0,
      amount_subtotal: line.unitAmount * line.quantity,
      amount_tax: 0,
      amount_total: line.unitAmount * line.quantity,
      currency: line.currency,
      description: line.name,
      price: {
        id: stripeId("price"),
        object: "price",
        active: false,
        currency: line.currency,
        product: line.productId,
        type: "one_time",
        unit_amount: line.unitAmount,
      },
      quantity: line.quantity,
    }));
  }

  retrievePaymentIntent(id: string): StripeObject {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw noSuchObject("payment_intent", id);
    return this.paymentIntentObject(intent);
  }

  /** Refunds a succeeded payment in full or in part: `refund.created` and `charge.refunded` follow. */
  createRefund(params: RefundCreateParams, now: Date, request: { id: string; idempotencyKey: string | null }): StripeObject {
    const intent = params.payment_intent
      ? this.paymentIntents.get(params.payment_intent)
      : [...this.paymentIntents.values()].find((candidate) => candidate.latestCharge === params.charge);
    if (!intent) {
      throw params.payment_intent ? noSuchObject("payment_intent", params.payment_intent, "payment_intent") : noSuchObject("charge", params.charge!, "charge");
    }
    if (intent.status !== "succeeded") {
      throw new StripeApiError(400, "invalid_request_error", `PaymentIntent ${intent.id} does not have a successful charge to refund.`, "charge_not_refundable");
    }
    const remaining = intent.amount - intent.amountRefunded;
    const amount = params.amount ?? remaining;
    if (remaining === 0) {
      throw new StripeApiError(400, "invalid_request_error", `Charge ${intent.latestCharge} has already been refunded.`, "charge_already_refunded");
    }
    if (amount > remaining) {
      throw new StripeApiError(400, "invalid_request_error", `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`, "amount_too_large", "amount");
    }
    intent.amountRefunded += amount;
    const refund: StripeObject = {
      id: stripeId("re"),
      object: "refund",
      amount,
      charge: intent.latestCharge,
      created: Math.floor(now.getTime() / 1000),
      currency: intent.currency,
      metadata: params.metadata ?? {},
      payment_intent: intent.id,
      reason: params.reason ?? null,
      status: "succeeded",
    };
    this.options.emit("refund.created", refund, request);
    this.options.emit("charge.refunded", this.chargeObject(intent), request);
    return refund;
  }

  /** The hosted page's view of a session (undefined for an unknown id). */
  pageView(id: string): Omit<CheckoutPageView, "sessionId" | "merchantName"> | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    return {
      status: session.status,
      paymentStatus: session.paymentStatus,
      email: session.customerEmail ?? session.customerDetails?.email ?? null,
      emailLocked: session.customerEmail !== null,
      currency: session.currency,
      amountTotal: session.amountTotal,
      lines: session.lineItems.map((line) => ({ name: line.name, quantity: line.quantity, amount: line.unitAmount * line.quantity })),
      successUrl: this.successUrlOf(session),
      cancelUrl: session.cancelUrl,
      acceptsBankDebit: session.paymentMethodTypes.includes("us_bank_account"),
    };
  }

  expire(id: string, request?: { id: string; idempotencyKey: string | null }): StripeObject {
    const session = this.require(id);
    if (session.status !== "open") {
      throw new StripeApiError(
        400,
        "invalid_request_error",
        `Only Checkout Sessions with a status of \`open\` can be expired. This session's status is \`${session.status}\`.`,
        "checkout_session_not_open",
      );
    }
    session.status = "expired";
    const object = this.sessionObject(session);
    this.options.emit("checkout.session.expired", object, request);
    return object;
  }

  /** Expires every open session whose `expires_at` has passed; returns how many. */
  expireDue(now: Date): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.status === "open" && session.expiresAt <= epoch(now)) {
        this.expire(session.id);
        count++;
      }
    }
    return count;
  }

  payWithCard(id: string, form: { email: string; number: string; expiry: string; cvc: string; name: string }, now: Date): PaymentAttempt {
    const session = this.require(id);
    const closed = this.closedAttempt(session, now);
    if (closed) return closed;
    const email = this.emailFor(session, form.email);
    if (typeof email !== "string") return email;
    const outcome: CardOutcome = cardOutcome(form, now);
    if (outcome.kind === "invalid") return { kind: "invalid", field: outcome.field, message: outcome.message };
    if (outcome.kind === "declined") return { kind: "declined", message: outcome.message };

    const intent = this.newPaymentIntent(session, "card", "succeeded", now);
    session.paymentIntentId = intent.id;
    session.status = "complete";
    session.paymentStatus = "paid";
    session.customerDetails = { email, name: form.name.trim() || null };
    this.options.emit("payment_intent.succeeded", this.paymentIntentObject(intent));
    this.options.emit("checkout.session.completed", this.sessionObject(session));
    return { kind: "redirect", location: this.successUrlOf(session) };
  }

  payWithBankDebit(id: string, form: { email: string; routingNumber: string; accountNumber: string; name: string }, now: Date): PaymentAttempt {
    const session = this.require(id);
    const closed = this.closedAttempt(session, now);
    if (closed) return closed;
    if (!session.paymentMethodTypes.includes("us_bank_account")) {
      return { kind: "invalid", field: "accountNumber", message: "This Checkout Session does not accept bank debits." };
    }
    const email = this.emailFor(session, form.email);
    if (typeof email !== "string") return email;
    const outcome: BankDebitOutcome = bankDebitOutcome(form);
    if (outcome.kind === "invalid") return { kind: "invalid", field: outcome.field, message: outcome.message };

    // The mandate is accepted at once; the money moves (or not) later.
    const intent = this.newPaymentIntent(session, "us_bank_account", "processing", now);
    session.paymentIntentId = intent.id;
    session.status = "complete";
    session.customerDetails = { email, name: form.name.trim() || null };
    this.options.emit("payment_intent.processing", this.paymentIntentObject(intent));
    this.options.emit("checkout.session.completed", this.sessionObject(session));
    const settle = () => {
      if (!this.pendingDebits.delete(session.id)) return;
      if (outcome.kind === "will_succeed") {
        intent.status = "succeeded";
        session.paymentStatus = "paid";
        this.options.emit("payment_intent.succeeded", this.paymentIntentObject(intent));
        this.options.emit("checkout.session.async_payment_succeeded", this.sessionObject(session));
      } else {
        intent.status = "requires_payment_method";
        intent.lastPaymentError = { code: outcome.failureCode, message: outcome.message };
        this.options.emit("payment_intent.payment_failed", this.paymentIntentObject(intent));
        this.options.emit("checkout.session.async_payment_failed", this.sessionObject(session));
      }
    };
    this.pendingDebits.set(session.id, settle);
    if (this.options.bankDebitSettleMs !== null) this.options.schedule(settle, this.options.bankDebitSettleMs);
    return { kind: "redirect", location: this.successUrlOf(session) };
  }

  /** Settles a pending bank debit now (as the bank eventually does); false if none is pending. */
  settleBankDebit(sessionId: string): boolean {
    const settle = this.pendingDebits.get(sessionId);
    settle?.();
    return settle !== undefined;
  }

  private closedAttempt(session: SessionRecord, now: Date): PaymentAttempt | undefined {
    // A session past its expiry cannot be paid even if the expiry timer has not run yet.
    if (session.status === "open" && session.expiresAt <= epoch(now)) this.expire(session.id);
    return session.status === "open" ? undefined : { kind: "not_open", session: this.sessionObject(session) };
  }

  private emailFor(session: SessionRecord, typed: string): string | PaymentAttempt {
    const email = session.customerEmail ?? typed.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { kind: "invalid", field: "email", message: "Your email address is incomplete." };
    return email;
  }

  private newPaymentIntent(
    session: SessionRecord,
    paymentMethodType: PaymentIntentRecord["paymentMethodType"],
    status: PaymentIntentRecord["status"],
    now: Date,
  ): PaymentIntentRecord {
    const intent: PaymentIntentRecord = {
      id: stripeId("pi"),
      created: epoch(now),
      amount: session.amountTotal,
      currency: session.currency,
      status,
      paymentMethodType,
      metadata: session.paymentIntentMetadata,
      description: session.paymentIntentDescription,
      lastPaymentError: null,
      latestCharge: stripeId("ch"),
      amountRefunded: 0,
    };
    this.paymentIntents.set(intent.id, intent);
    return intent;
  }

  private require(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw noSuchObject("checkout.session", id, "session");
    return session;
  }

  private successUrlOf(session: SessionRecord): string {
    // Stripe fills in this template variable on redirect.
    return session.successUrl.replaceAll("{CHECKOUT_SESSION_ID}", session.id);
  }

  private sessionObject(session: SessionRecord): StripeObject {
    return {
      id: session.id,
      object: "checkout.session",
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: session.amountTotal,
      amount_total: session.amountTotal,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_address_collection: null,
      cancel_url: session.cancelUrl,
      client_reference_id: session.clientReferenceId,
      client_secret: null,
      consent: null,
      consent_collection: null,
      created: session.created,
      currency: session.currency,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_creation: "if_required",
      customer_details: session.customerDetails
        ? { address: null, email: session.customerDetails.email, name: session.customerDetails.name, phone: null, tax_exempt: "none", tax_ids: [] }
        : null,
      customer_email: session.customerEmail,
      expires_at: session.expiresAt,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      metadata: { ...session.metadata },
      mode: "payment",
      payment_intent: session.paymentIntentId,
      payment_link: null,
      payment_method_collection: "if_required",
      payment_method_options: {},
      payment_method_types: [...session.paymentMethodTypes],
      payment_status: session.paymentStatus,
      phone_number_collection: { enabled: false },
      recovered_from: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: session.status,
      submit_type: null,
      subscription: null,
      success_url: session.successUrl,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: session.status === "open" ? session.url : null,
    };
  }

  /** The charge behind a PaymentIntent. Its metadata is its own (empty here): Stripe does not copy the PaymentIntent's. */
  private chargeObject(intent: PaymentIntentRecord): StripeObject {
    return {
      id: intent.latestCharge,
      object: "charge",
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: intent.amountRefunded,
      captured: true,
      created: intent.created,
      currency: intent.currency,
      livemode: false,
      metadata: {},
      paid: true,
      payment_intent: intent.id,
      refunded: intent.amountRefunded >= intent.amount,
      status: "succeeded",
    };
  }

  private paymentIntentObject(intent: PaymentIntentRecord): StripeObject {
    return {
      id: intent.id,
      object: "payment_intent",
      amount: intent.amount,
      amount_received: intent.status === "succeeded" ? intent.amount : 0,
      capture_method: "automatic_async",
      client_secret: null,
      confirmation_method: "automatic",
      created: intent.created,
      currency: intent.currency,
      description: intent.description,
      last_payment_error: intent.lastPaymentError ? { type: "invalid_request_error", ...intent.lastPaymentError } : null,
      latest_charge: intent.latestCharge,
      livemode: false,
      metadata: { ...intent.metadata },
      payment_method_types: [intent.paymentMethodType],
      status: intent.status,
    };
  }
}
