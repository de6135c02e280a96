import { describe, expect, it } from "vitest";
import { orderHoldDefaults, routes } from "@shopwave/infra/topology";
import { HoldLimitReached } from "../shared/domain-error";
import { MAX_LINES_PER_ORDER, MAX_QUANTITY_PER_LINE } from "./create-order";
import {
  chargeHoldItem,
  clientHolder,
  emailHolder,
  holdLimitRefusal,
  holdLimitsFrom,
  parseHolderLimits,
  planHolds,
  releaseHoldItem,
  type HoldLimits,
} from "./reservation-holds";

describe("parseHolderLimits", () => {
  it("reads the three caps in any order", () => {
    expect(parseHolderLimits("orders=3,units=30,perProduct=10", "X")).toEqual({ orders: 3, units: 30, perProduct: 10 });
    expect(parseHolderLimits(" perProduct = 2, orders=1 ,units=5 ", "X")).toEqual({ orders: 1, units: 5, perProduct: 2 });
  });

  it.each([undefined, "", "  ", "off", " off "])("reads %j as no cap", (raw) => {
    expect(parseHolderLimits(raw, "X")).toBeUndefined();
  });

  it.each(["3", "orders=3", "orders=3,units=30", "orders=3,units=30,perProduct=10,extra=1", "orders=3,orders=4,units=1", "orders=0,units=30,perProduct=10", "orders=-1,units=30,perProduct=10", "orders=1.5,units=30,perProduct=10", "ORDERS=3,units=30,perProduct=10", "xorders=3,units=30,perProduct=10", "on"])(
    "refuses %j, naming the setting",
    (raw) => {
      expect(() => parseHolderLimits(raw, "ORDER_HOLDS_PER_EMAIL")).toThrow(/ORDER_HOLDS_PER_EMAIL=.*not valid/);
    },
  );

  it("accepts the deployed stages' defaults, which the create-order route is given", () => {
    expect(holdLimitsFrom(orderHoldDefaults)).toEqual({ email: expect.any(Object), client: expect.any(Object) });
    const createOrder = routes.find((route) => route.method === "POST" && route.path === "/orders")!;
    expect(createOrder.settings).toEqual(expect.arrayContaining(Object.keys(orderHoldDefaults)));
  });

  it("reads both holders from the environment", () => {
    expect(holdLimitsFrom({ ORDER_HOLDS_PER_EMAIL: "orders=3,units=30,perProduct=10", ORDER_HOLDS_PER_CLIENT: "off" })).toEqual({
      email: { orders: 3, units: 30, perProduct: 10 },
    });
    expect(holdLimitsFrom({})).toEqual({});
    expect(() => holdLimitsFrom({ ORDER_HOLDS_PER_CLIENT: "10/60s" })).toThrow(/ORDER_HOLDS_PER_CLIENT/);
    expect(() => holdLimitsFrom({ ORDER_HOLDS_PER_EMAIL: "units=1" })).toThrow(/^ORDER_HOLDS_PER_EMAIL=units=1 is not valid/);
  });

  it("says what a valid setting looks like", () => {
    expect(() => parseHolderLimits("units:3", "X")).toThrow('X=units:3 is not valid: use "off" or "orders=<n>,units=<n>,perProduct=<n>", e.g. "orders=3,units=30,perProduct=10".');
    expect(() => parseHolderLimits("orders=0,units=1,perProduct=1", "X")).toThrow(/every number at least 1/);
  });
});

describe("emailHolder", () => {
  it.each([
    ["Shopper@Example.COM ", "shopper@example.com"],
    ["shopper+sale1@example.com", "shopper@example.com"],
    ["shopper+a+b@example.com", "shopper@example.com"],
    ["j.o.h.n+x@googlemail.com", "john@gmail.com"],
    ["J.Ohn@Gmail.com", "john@gmail.com"],
    ["first.last@example.com", "first.last@example.com"],
    ["+only@example.com", "+only@example.com"],
    ["No-At-Sign ", "no-at-sign"],
    ["@googlemail.com", "@googlemail.com"],
  ])("keys %j as %j", (email, holder) => {
    expect(emailHolder(email)).toBe(holder);
  });
});

describe("clientHolder", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    ["2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd:12::/64"],
    ["2001:DB8:ABCD:0012:ffff:ffff:ffff:ffff", "2001:db8:abcd:12::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:abcd:12::", "2001:db8:abcd:12::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["1::ffff:102:304", "1:0:0:0::/64"],
    ["2001:db8::1:2:3:4:5", "2001:db8:0:1::/64"],
  ])("keys %j as %j", (address, holder) => {
    expect(clientHolder(address)).toBe(holder);
  });

  it("puts every address of one /64 on one holder and the next /64 on another", () => {
    expect(clientHolder("2001:db8:1:2::a")).toBe(clientHolder("2001:db8:1:2:ffff:1234:5678:9abc"));
    expect(clientHolder("2001:db8:1:3::a")).not.toBe(clientHolder("2001:db8:1:2::a"));
  });

  it.each(["", "localhost", "203.0.113", "1.2.3.4.5", "2001:db8:::1"])("has no holder for %j", (address) => {
    expect(clientHolder(address)).toBeUndefined();
  });
});

describe("planHolds", () => {
  const limits: HoldLimits = {
    email: { orders: 3, units: 30, perProduct: 10 },
    client: { orders: 10, units: 60, perProduct: 10 },
  };
  const who = { email: "Shopper+x@Example.com", clientAddress: "2001:db8:1:2::99" };

  it("charges each holder an order and the units, and each holder's product counters", () => {
    const planned = planHolds(who, [{ productId: "mug", quantity: 2 }, { productId: "lantern", quantity: 1, maxPerCustomer: 2 }], limits);
    expect(planned.map(({ key, units, orders, maxUnits, maxOrders }) => ({ key, units, orders, maxUnits, maxOrders }))).toEqual([
      { key: "hold#email#shopper@example.com", units: 3, orders: 1, maxUnits: 30, maxOrders: 3 },
      { key: "hold#product#mug#email#shopper@example.com", units: 2, orders: 0, maxUnits: 10, maxOrders: undefined },
      { key: "hold#product#lantern#email#shopper@example.com", units: 1, orders: 0, maxUnits: 2, maxOrders: undefined },
      { key: "hold#client#2001:db8:1:2::/64", units: 3, orders: 1, maxUnits: 60, maxOrders: 10 },
      // The catalog's cap is per customer: a client address (a household, an office) keeps the general one.
      { key: "hold#product#mug#client#2001:db8:1:2::/64", units: 2, orders: 0, maxUnits: 10, maxOrders: undefined },
      { key: "hold#product#lantern#client#2001:db8:1:2::/64", units: 1, orders: 0, maxUnits: 10, maxOrders: undefined },
    ]);
  });

  it("keeps no product counter where the holder's unit cap already bounds it", () => {
    const planned = planHolds(who, [{ productId: "mug", quantity: 2 }, { productId: "lantern", quantity: 1, maxPerCustomer: 2 }], {
      email: { orders: 3, units: 10, perProduct: 10 },
    });
    expect(planned.map((hold) => hold.key)).toEqual(["hold#email#shopper@example.com", "hold#product#lantern#email#shopper@example.com"]);
  });

  it("charges nothing for a holder that is off, or a client without a usable address", () => {
    expect(planHolds(who, [{ productId: "mug", quantity: 1 }], {})).toEqual([]);
    expect(planHolds({ email: who.email, clientAddress: "unknown" }, [{ productId: "mug", quantity: 1 }], { client: limits.client! })).toEqual([]);
  });

  it("refuses an order that alone is over a cap, naming each cap", () => {
    const refuse = () => planHolds(who, [{ productId: "lantern", quantity: 3, maxPerCustomer: 2 }], limits);
    expect(refuse).toThrow(HoldLimitReached);
    try {
      refuse();
    } catch (error) {
      expect((error as HoldLimitReached).details).toEqual({ limits: [{ holder: "email", limit: "perProduct", productId: "lantern", max: 2, requested: 3 }] });
      // Waiting would not help: no Retry-After.
      expect((error as HoldLimitReached).retryAfterSeconds).toBeUndefined();
    }
  });

  it("stays within DynamoDB's 100 items per transaction for the largest order (with its stock and order writes)", () => {
    const lines = Array.from({ length: MAX_LINES_PER_ORDER }, (_, i) => ({ productId: `p${i}`, quantity: 1, maxPerCustomer: 1 }));
    const planned = planHolds(who, lines, { email: { orders: 1, units: 1000, perProduct: MAX_QUANTITY_PER_LINE }, client: { orders: 1, units: 1000, perProduct: MAX_QUANTITY_PER_LINE } });
    expect(new Set(planned.map((hold) => hold.key)).size).toBe(planned.length);
    expect(MAX_LINES_PER_ORDER + 1 + planned.length).toBeLessThanOrEqual(100);
  });
});

describe("counter writes", () => {
  const hold = { key: "hold#email#a@b.co", holder: "email" as const, units: 2, orders: 1, maxUnits: 5, maxOrders: 3 };

  it("charges on condition that what is held plus this order stays within the caps", () => {
    const item = chargeHoldItem("limits", hold, 1_000).Update!;
    expect(item.UpdateExpression).toBe("ADD #units :units, #orders :orders SET lapsesAt = :lapsesAt, expiresAt = :expiresAt");
    expect(item.ConditionExpression).toBe("attribute_not_exists(#units) OR (#units <= :unitsRoom AND #orders <= :ordersRoom)");
    expect(item.ExpressionAttributeValues).toMatchObject({ ":units": 2, ":unitsRoom": 3, ":orders": 1, ":ordersRoom": 2, ":lapsesAt": 1_000 });
    expect(item.ExpressionAttributeValues![":expiresAt"]).toBeGreaterThan(1_000);
  });

  it("releases exactly what was charged, whatever the caps are now", () => {
    const item = releaseHoldItem("limits", { key: hold.key, units: 2, orders: 1 }, new Date(0)).Update!;
    expect(item.ConditionExpression).toBeUndefined();
    expect(item.ExpressionAttributeValues).toMatchObject({ ":units": -2, ":orders": -1 });
    const product = releaseHoldItem("limits", { key: "hold#product#p#email#a@b.co", units: 2, orders: 0 }, new Date(0)).Update!;
    expect(product.UpdateExpression).not.toContain("#orders");
  });

  it("says which cap refused and what is held, with Retry-After until the latest reservation lapses", () => {
    const refusal = holdLimitRefusal(
      [
        { hold, item: { units: { N: "2" }, orders: { N: "3" }, lapsesAt: { N: "2100" } } },
        { hold: { ...hold, key: "k2", productId: "lantern", orders: 0, maxUnits: 2, maxOrders: undefined }, item: { units: { N: "1" }, lapsesAt: { N: "1900" } } },
      ],
      new Date(1_000_000),
    );
    expect(refusal.code).toBe("HOLD_LIMIT_REACHED");
    expect(refusal.details).toEqual({
      limits: [
        { holder: "email", limit: "orders", max: 3, held: 3, requested: 1 },
        { holder: "email", limit: "perProduct", productId: "lantern", max: 2, held: 1, requested: 2 },
      ],
    });
    expect(refusal.retryAfterSeconds).toBe(1_100);
  });
});
