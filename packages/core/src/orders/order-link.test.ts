// Order links for emails: each issued token opens its order (read, cancel) like the checkout's
// token does, opens no other order, is stored only as a hash, and an order's tokens are bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnitStore, pendingOrderRecord, testProduct, type UnitStore } from "../../../../test/support/unit-store";
import { NotFound } from "../shared/domain-error";
import { hashAccessToken, newAccessToken, opensOrder } from "./access-token";
import { issueOrderLinkToken, MAX_LINK_TOKENS, orderPageLink } from "./order-link";
import { readOrder } from "./read-order";

let u: UnitStore;
beforeAll(async () => {
  u = await createUnitStore();
});
afterAll(() => u?.destroy());

async function storedOrder() {
  const placed = pendingOrderRecord(u.store, { lines: [{ product: testProduct(), quantity: 1 }], expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  await u.putOrder(placed.record);
  return placed;
}

describe("issueOrderLinkToken", () => {
  it("issues a token that opens the order, alongside the checkout's, and stores only its hash", async () => {
    const { record, token: checkoutToken } = await storedOrder();
    const linkToken = await issueOrderLinkToken(u.store, record.id);
    expect(linkToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readOrder(u.store, record.id, linkToken)).id).toBe(record.id);
    expect((await readOrder(u.store, record.id, checkoutToken)).id).toBe(record.id);
    const stored = await u.orderRecord(record.id);
    expect(stored?.linkTokenHashes).toEqual([hashAccessToken(linkToken)]);
    expect(JSON.stringify(stored)).not.toContain(linkToken);
  });

  it("does not open another order", async () => {
    const one = await storedOrder();
    const other = await storedOrder();
    const linkToken = await issueOrderLinkToken(u.store, one.record.id);
    await expect(readOrder(u.store, other.record.id, linkToken)).rejects.toBeInstanceOf(NotFound);
  });

  it("keeps every token issued for the order, up to the bound, then refuses", async () => {
    const { record } = await storedOrder();
    const tokens: string[] = [];
    for (let i = 0; i < MAX_LINK_TOKENS; i++) tokens.push(await issueOrderLinkToken(u.store, record.id));
    await expect(issueOrderLinkToken(u.store, record.id)).rejects.toThrow(/link tokens/);
    for (const token of [tokens[0]!, tokens.at(-1)!]) expect((await readOrder(u.store, record.id, token)).id).toBe(record.id);
  });

  it("refuses an order that does not exist, and creates nothing", async () => {
    await expect(issueOrderLinkToken(u.store, "ord_00000000000000000000000000")).rejects.toThrow(/does not exist/);
    expect(await u.orderRecord("ord_00000000000000000000000000")).toBeUndefined();
  });
});

describe("opensOrder", () => {
  it("accepts the checkout token or any link token, nothing else", () => {
    const checkout = newAccessToken();
    const links = [newAccessToken(), newAccessToken()];
    const order = { accessTokenHash: checkout.hash, linkTokenHashes: links.map((link) => link.hash) };
    expect(opensOrder(checkout.token, order)).toBe(true);
    expect(opensOrder(links[1]!.token, order)).toBe(true);
    expect(opensOrder(newAccessToken().token, order)).toBe(false);
    expect(opensOrder(links[0]!.hash, order)).toBe(false);
    expect(opensOrder(checkout.token, { accessTokenHash: checkout.hash })).toBe(true);
  });
});

describe("orderPageLink", () => {
  it("puts the token in the fragment, never the path or query", () => {
    const link = new URL(orderPageLink("https://shop.example/", "ord_01jz000000000000000000000a", "tok_EN-1"));
    expect(link.pathname).toBe("/orders/ord_01jz000000000000000000000a");
    expect(link.search).toBe("");
    expect(link.hash).toBe("#token=tok_EN-1");
    expect(orderPageLink("https://shop.example//", "ord_01jz000000000000000000000a", "t")).toBe("https://shop.example/orders/ord_01jz000000000000000000000a#token=t");
  });
});
