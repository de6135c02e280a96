// Customer accounts on the local stack: sign in with the code read from the local inbox, /me,
// the order history (newest first, paginated, guest orders of the verified email claimed, an
// order placed signed in recorded with the customer), bad tokens (401 JSON on every route),
// guest token links still working, and a cross-account fuzz: one customer's token against the
// other's orders through every route and parameter, counted, none may succeed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { readEmails } from "../support/inbox";
import { codeFromSubject, issuerBrowser, signInThroughIssuer } from "../support/sign-in";
import { placeOrder, startTestStack, type TestStack } from "../support/test-stack";
import { waitFor } from "../support/api-client";

const STOREFRONT = "http://localhost:3999";
let t: TestStack;
let productId: string;

beforeAll(async () => {
  t = await startTestStack({ storefrontUrl: STOREFRONT });
  productId = ((await t.api.get("/products?limit=100")).body.items as { id: string; stock: number }[]).find((p) => p.stock >= 50)!.id;
});
afterAll(() => t?.stop());

async function readCode(email: string, sentAfter: number): Promise<string> {
  return waitFor(`a sign-in code for ${email}`, async () => {
    const mails = (await readEmails(t.stack.urls.inbox, { to: email, subject: "sign-in code" })).filter((mail) => mail.at >= Math.floor(sentAfter));
    return mails.at(-1) ? codeFromSubject(mails.at(-1)!.subject) : undefined;
  });
}

const signIn = (email: string) => signInThroughIssuer({ issuerUrl: t.stack.urls.auth, storefrontUrl: STOREFRONT, email, readCode });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function placeSignedIn(token: string, email: string) {
  const response = await t.api.post("/orders", { email, items: [{ productId, quantity: 1 }] }, bearer(token));
  expect(response.status, response.text).toBe(201);
  return response.body as { order: { id: string }; accessToken: string };
}

describe("customer accounts", () => {
  let ada: { token: string; email: string; customerId: string; orders: string[]; guestOrder: { id: string; token: string } };
  let bob: { token: string; email: string; customerId: string; orders: string[] };

  beforeAll(async () => {
    // A guest order first: claimed once Ada verifies the email (typed with another case).
    const guest = await placeOrder(t.api, productId, 1, "ADA@example.com");
    const adaTokens = await signIn("ada@example.com");
    const me = await t.api.get("/me", bearer(adaTokens.access_token));
    expect(me.status, me.text).toBe(200);
    ada = { token: adaTokens.access_token, email: "ada@example.com", customerId: me.body.customerId, orders: [], guestOrder: { id: guest.order.id, token: guest.accessToken } };
    const bobTokens = await signIn("bob@example.com");
    bob = { token: bobTokens.access_token, email: "bob@example.com", customerId: (await t.api.get("/me", bearer(bobTokens.access_token))).body.customerId, orders: [] };
    for (let i = 0; i < 3; i++) ada.orders.push((await placeSignedIn(ada.token, ada.email)).order.id);
    for (let i = 0; i < 2; i++) bob.orders.push((await placeSignedIn(bob.token, bob.email)).order.id);
  });

  it("GET /me answers the verified customer", async () => {
    const me = await t.api.get("/me", bearer(ada.token));
    expect(me.body).toEqual({ customerId: expect.stringMatching(/^cus_[0-9a-z]{26}$/), email: "ada@example.com", roles: ["customer"] });
    expect(me.headers.get("cache-control")).toBe("no-store");
  });

  it("lists the customer's orders newest first, the claimed guest order included, paginated", async () => {
    const pages: { items: { id: string; createdAt: string }[]; nextCursor?: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.api.get(`/me/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, bearer(ada.token));
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 5);
    expect(pages[0]!.items).toHaveLength(2);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const items = pages.flatMap((page) => page.items);
    expect(items.map((order) => order.id)).toEqual([...ada.orders].reverse().concat(ada.guestOrder.id));
    const created = items.map((order) => order.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it("records the customer on an order placed signed in, and refuses another email then", async () => {
    const { Item } = await t.db.send(new GetCommand({ TableName: t.stack.tableNames.orders, Key: { id: ada.orders[0] } }));
    expect(Item).toMatchObject({ customerId: ada.customerId, email: "ada@example.com" });
    const guestRecord = (await t.db.send(new GetCommand({ TableName: t.stack.tableNames.orders, Key: { id: ada.guestOrder.id } }))).Item;
    expect(guestRecord).not.toHaveProperty("customerId");
    const other = await t.api.post("/orders", { email: "bob@example.com", items: [{ productId, quantity: 1 }] }, bearer(ada.token));
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("opens one of the customer's orders by id on any device, and the guest token link still works", async () => {
    const mine = await t.api.get(`/me/orders/${ada.guestOrder.id}`, bearer(ada.token));
    expect(mine.status).toBe(200);
    expect(mine.body.id).toBe(ada.guestOrder.id);
    const link = await t.api.get(`/orders/${ada.guestOrder.id}`, bearer(ada.guestOrder.token));
    expect(link.status).toBe(200);
  });

  it("answers bad tokens with 401 and the JSON error shape on every customer route", async () => {
    const expired = "eyJhbGciOiJFUzI1NiIsImtpZCI6IngiLCJ0eXAiOiJKV1QifQ.eyJleHAiOjF9.c2ln";
    const tampered = `${ada.token.split(".")[0]}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(ada.token.split(".")[1]!, "base64url").toString()), properties: { customerId: bob.customerId, email: bob.email, roles: ["customer", "operator"] } })).toString("base64url")}.${ada.token.split(".")[2]}`;
    for (const token of [expired, tampered, `${ada.token}x`, "not-a-jwt"]) {
      for (const [method, path] of [["GET", "/me"], ["GET", "/me/orders"], ["GET", `/me/orders/${ada.orders[0]}`], ["POST", "/orders"]] as const) {
        const response = await t.api.raw(method, path, { headers: bearer(token), ...(method === "POST" ? { json: { email: ada.email, items: [{ productId, quantity: 1 }] } } : {}) });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.body).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
      }
    }
    expect((await t.api.get("/me")).status).toBe(401);
  });

  it("cross-account fuzz: Bob's token reaches none of Ada's orders through any route or parameter", async () => {
    const adaIds = [...ada.orders, ada.guestOrder.id];
    const cursorFor = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString("base64url");
    const adaRecords = await Promise.all(adaIds.map(async (id) => (await t.db.send(new GetCommand({ TableName: t.stack.tableNames.orders, Key: { id } }))).Item!));
    const idVariants = (id: string) => [id, id.toUpperCase(), `${id}/`, encodeURIComponent(id), `${id}%00`, ` ${id}`, `${id}?x=1`, id.replace("ord_", "ord_%2e")];
    const attempts: { method: "GET" | "POST"; path: string; json?: unknown; headers: Record<string, string> }[] = [];
    const as = bearer(bob.token);
    for (const record of adaRecords) {
      const id = String(record.id);
      for (const variant of idVariants(id)) {
        attempts.push({ method: "GET", path: `/me/orders/${variant}`, headers: as });
        attempts.push({ method: "GET", path: `/orders/${variant}`, headers: as });
        attempts.push({ method: "GET", path: `/orders/${variant}?token=${encodeURIComponent(bob.token)}`, headers: {} });
        attempts.push({ method: "POST", path: `/orders/${variant}/cancel`, headers: as, json: {} });
        attempts.push({ method: "POST", path: `/orders/${variant}/fulfil`, headers: as, json: { sessionId: String(record.checkoutSessionId) } });
      }
      // Cursors: Ada's own keys, under her email or Bob's, with every key spelling.
      for (const email of [String(record.email), bob.email, String(record.email).toUpperCase()]) {
        for (const createdAt of [String(record.createdAt), "9999", ""]) {
          const cursor = cursorFor({ id, email, createdAt });
          for (const limit of ["1", "50", "0", "-1", "abc"]) {
            attempts.push({ method: "GET", path: `/me/orders?limit=${limit}&cursor=${encodeURIComponent(cursor)}`, headers: as });
          }
          attempts.push({ method: "GET", path: `/me/orders?cursor=${encodeURIComponent(cursor)}&email=${encodeURIComponent(String(record.email))}`, headers: as });
        }
      }
    }
    // Query and body parameters naming Ada: ignored or refused, never obeyed.
    for (const extra of ["email", "customerId", "customer", "sub", "as"]) {
      for (const value of [ada.email, ada.customerId, "ADA@EXAMPLE.COM"]) {
        attempts.push({ method: "GET", path: `/me/orders?${extra}=${encodeURIComponent(value)}`, headers: as });
        attempts.push({ method: "GET", path: `/me?${extra}=${encodeURIComponent(value)}`, headers: as });
        attempts.push({ method: "POST", path: "/orders", headers: as, json: { email: bob.email, [extra]: value, items: [{ productId, quantity: 1 }] } });
      }
    }
    // Header games: Ada's order token beside Bob's JWT, two Authorization values, odd schemes.
    for (const id of adaIds) {
      attempts.push({ method: "GET", path: `/me/orders/${id}`, headers: { authorization: `Bearer ${bob.token}, Bearer ${ada.guestOrder.token}` } });
      attempts.push({ method: "GET", path: `/me/orders/${id}`, headers: { authorization: `Token ${ada.token.slice(0, 10)}` } });
      attempts.push({ method: "GET", path: `/me/orders/${id}`, headers: { authorization: `Bearer ${bob.token}`, "x-customer-id": ada.customerId, "x-email": ada.email } });
    }
    // Pad to at least 1,000 with random id/cursor mutations against Ada's orders.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    while (attempts.length < 1000) {
      const record = adaRecords[Math.floor(rand() * adaRecords.length)]!;
      const id = String(record.id);
      const mutated = id.slice(0, 4 + Math.floor(rand() * 22)) + id.slice(4 + Math.floor(rand() * 22));
      const pick = Math.floor(rand() * 4);
      if (pick === 0) attempts.push({ method: "GET", path: `/me/orders/${rand() < 0.5 ? id : mutated}`, headers: as });
      else if (pick === 1) attempts.push({ method: "GET", path: `/me/orders?cursor=${encodeURIComponent(cursorFor({ id, email: rand() < 0.5 ? ada.email : bob.email, createdAt: String(record.createdAt) }))}`, headers: as });
      else if (pick === 2) attempts.push({ method: "GET", path: `/orders/${id}`, headers: as });
      else attempts.push({ method: "POST", path: `/orders/${id}/cancel`, headers: as, json: {} });
    }

    let successes = 0;
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < attempts.length; i += 20) {
      const batch = attempts.slice(i, i + 20);
      const responses = await Promise.all(batch.map((a) => t.api.raw(a.method, a.path, { headers: a.headers, ...(a.json === undefined ? {} : { json: a.json }) })));
      for (const [index, response] of responses.entries()) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        // Success for the attacker: any of Ada's order ids or her email in an answer, or a 2xx on her order.
        if (adaIds.some((id) => response.text.includes(id)) || response.text.toLowerCase().includes(ada.email)) successes += 1;
        if (response.status >= 500) serverErrors.push(`${batch[index]!.method} ${batch[index]!.path}: ${response.status} ${response.text}`);
      }
    }
    console.log(`cross-account fuzz: ${attempts.length} attempts, ${successes} succeeded; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(attempts.length).toBeGreaterThanOrEqual(1000);
    expect(successes).toBe(0);
    expect(serverErrors, "a client's mistake is never a 5xx").toEqual([]);
    // Ada's orders are as they were (no cancel went through).
    for (const id of ada.orders) expect((await t.api.get(`/me/orders/${id}`, bearer(ada.token))).body.status).toBe("PENDING_PAYMENT");
  });

  it("rate-limits code requests per email", async () => {
    const go = issuerBrowser(t.stack.urls.auth);
    const start = await go(
      `/authorize?${new URLSearchParams({ client_id: "storefront", redirect_uri: `${STOREFRONT}/auth/callback`, response_type: "code", state: "s".repeat(20), code_challenge: "c".repeat(43), code_challenge_method: "S256" }).toString()}`,
    );
    await go(start.headers.get("location")!);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await go("/code/authorize", { form: { action: "request", email: "flood@example.com" } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
