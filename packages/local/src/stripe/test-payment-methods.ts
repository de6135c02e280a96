// The outcomes of Stripe's documented test card numbers and test US bank accounts
// (https://docs.stripe.com/testing), which the hosted page honours as Stripe's test mode does:
// the same numbers succeed, decline or fail asynchronously with the same messages.

export type CardOutcome =
  | { kind: "succeeded"; brand: string }
  | { kind: "declined"; declineCode: string; message: string }
  | { kind: "invalid"; field: "cardNumber" | "cardExpiry" | "cardCvc"; message: string };

const declined = (declineCode: string, message: string): CardOutcome => ({ kind: "declined", declineCode, message });

const GENERIC_DECLINE = "Your card was declined.";

/** Cards that pay, by brand. */
const succeeding: Record<string, string> = {
  "4242424242424242": "visa",
  "4000056655665556": "visa",
  "5555555555554444": "mastercard",
  "2223003122003222": "mastercard",
  "5200828282828210": "mastercard",
  "5105105105105100": "mastercard",
  "378282246310005": "amex",
  "371449635398431": "amex",
  "6011111111111117": "discover",
  "3056930009020004": "diners",
  "3566002020360505": "jcb",
  "6200000000000005": "unionpay",
  // 3D Secure cards: the simulator has no authentication step, so they pay as Stripe's do once authenticated.
  "4000002500003155": "visa",
  "4000002760003184": "visa",
};

const declining: Record<string, CardOutcome> = {
  "4000000000000002": declined("generic_decline", GENERIC_DECLINE),
  "4000000000009995": declined("insufficient_funds", "Your card has insufficient funds."),
  "4000000000009987": declined("lost_card", GENERIC_DECLINE),
  "4000000000009979": declined("stolen_card", GENERIC_DECLINE),
  "4000000000000069": declined("expired_card", "Your card has expired."),
  "4000000000000127": declined("incorrect_cvc", "Your card's security code is incorrect."),
  "4000000000000119": declined("processing_error", "An error occurred while processing your card. Try again in a little bit."),
  "4100000000000019": declined("fraudulent", GENERIC_DECLINE),
  "4000000000006975": declined("card_velocity_exceeded", "Your card was declined for making repeated attempts too frequently or exceeding its amount limit."),
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function cardOutcome(input: { number: string; expiry: string; cvc: string }, now = new Date()): CardOutcome {
  const number = input.number.replace(/[\s-]/g, "");
  if (!/^\d{13,19}$/.test(number) || !luhnValid(number)) {
    return { kind: "invalid", field: "cardNumber", message: "Your card number is incorrect." };
  }
  const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(input.expiry);
  if (!expiry) return { kind: "invalid", field: "cardExpiry", message: "Your card's expiration date is incomplete." };
  const month = Number(expiry[1]);
  const year = expiry[2]!.length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
  if (month < 1 || month > 12) return { kind: "invalid", field: "cardExpiry", message: "Your card's expiration date is invalid." };
  // A card is valid through the last day of its expiry month.
  if (new Date(Date.UTC(year, month, 1)) <= now) {
    return { kind: "invalid", field: "cardExpiry", message: "Your card's expiration date is in the past." };
  }
  if (!/^\d{3,4}$/.test(input.cvc.trim())) return { kind: "invalid", field: "cardCvc", message: "Your card's security code is incomplete." };

  const known = succeeding[number];
  if (known) return { kind: "succeeded", brand: known };
  return (
    declining[number] ??
    // Stripe refuses real card numbers in test mode.
    declined("test_mode_live_card", "Your card was declined. Your request was in test mode, but used a non test card.")
  );
}

/** Stripe's test routing number for US bank accounts (ACH Direct Debit). */
export const TEST_ROUTING_NUMBER = "110000000";

export type BankDebitOutcome =
  | { kind: "will_succeed" }
  | { kind: "will_fail"; failureCode: string; message: string }
  | { kind: "invalid"; field: "routingNumber" | "accountNumber"; message: string };

const failingAccounts: Record<string, { failureCode: string; message: string }> = {
  "000111111113": { failureCode: "account_closed", message: "The bank account has been closed." },
  "000111111116": { failureCode: "no_account", message: "The bank account could not be located." },
  "000222222227": { failureCode: "insufficient_funds", message: "The bank account has insufficient funds." },
  "000333333335": { failureCode: "debit_not_authorized", message: "The customer has notified their bank that this payment was unauthorized." },
};

/** ACH debits settle days later: the session completes unpaid, then an async event decides. */
export function bankDebitOutcome(input: { routingNumber: string; accountNumber: string }): BankDebitOutcome {
  const routing = input.routingNumber.trim();
  const account = input.accountNumber.replace(/\s/g, "");
  if (routing !== TEST_ROUTING_NUMBER) {
    return { kind: "invalid", field: "routingNumber", message: `Use the test routing number ${TEST_ROUTING_NUMBER}.` };
  }
  if (!/^\d{4,17}$/.test(account)) return { kind: "invalid", field: "accountNumber", message: "The account number is incorrect." };
  const failure = failingAccounts[account];
  return failure ? { kind: "will_fail", ...failure } : { kind: "will_succeed" };
}
