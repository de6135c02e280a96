// The hosted payment page at each session's `url`: GET shows it, POST pays with a card or
// authorises a bank debit; a payment redirects (303) to the session's `success_url`, a decline or
// an invalid field shows the page again with its alert, a closed session answers 409.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalLog } from "../process/log";
import type { CheckoutSessions, PaymentAttempt } from "./checkout-sessions";
import { renderCheckoutPage, renderUnknownSession, type CheckoutFormState } from "./hosted-checkout-page";

const log = createLocalLog("stripe");

export type HostedPageHandler = (req: IncomingMessage, res: ServerResponse, path: string, body: string) => void;

export function createHostedPageHandler(deps: { sessions: CheckoutSessions; merchantName: string; clock: () => Date }): HostedPageHandler {
  const { sessions, merchantName, clock } = deps;
  const viewOf = (sessionId: string) => {
    const view = sessions.pageView(sessionId);
    return view ? { ...view, sessionId, merchantName } : undefined;
  };

  return (req: IncomingMessage, res: ServerResponse, path: string, body: string) => {
    const match = /^\/c\/pay\/([A-Za-z0-9_]+)(\/bank)?$/.exec(path);
    const html = (status: number, content: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-frame-options": "DENY" });
      res.end(content);
    };
    const sessionId = match?.[1];
    const view = sessionId ? viewOf(sessionId) : undefined;
    if (!match || !sessionId || !view) return html(404, renderUnknownSession());
    if (req.method === "GET" || req.method === "HEAD") return html(200, renderCheckoutPage(view));
    if (req.method !== "POST") return html(405, renderCheckoutPage(view));

    const form = new URLSearchParams(body);
    const value = (name: string) => form.get(name) ?? "";
    const isBank = match[2] === "/bank";
    const attempt: PaymentAttempt = isBank
      ? sessions.payWithBankDebit(
          sessionId,
          { email: value("bankEmail"), routingNumber: value("routingNumber"), accountNumber: value("accountNumber"), name: value("accountHolder") },
          clock(),
        )
      : sessions.payWithCard(
          sessionId,
          { email: value("email"), number: value("cardNumber"), expiry: value("cardExpiry"), cvc: value("cardCvc"), name: value("billingName") },
          clock(),
        );
    const formName = isBank ? "bank" : "card";
    const values = Object.fromEntries(form);
    switch (attempt.kind) {
      case "redirect":
        log.info(`session ${sessionId} ${isBank ? "bank debit authorised" : "paid"}`);
        res.writeHead(303, { location: attempt.location, "cache-control": "no-store" });
        res.end();
        return;
      case "declined": {
        log.info(`session ${sessionId} card declined: ${attempt.message}`);
        const state: CheckoutFormState = { alert: attempt.message, form: formName, invalidField: "cardNumber", values };
        return html(200, renderCheckoutPage(view, state));
      }
      case "invalid": {
        const field = attempt.field === "email" && isBank ? "bankEmail" : attempt.field;
        return html(400, renderCheckoutPage(view, { alert: attempt.message, form: formName, invalidField: field, values }));
      }
      case "not_open":
        return html(409, renderCheckoutPage(viewOf(sessionId)!));
    }
  };
}
