// Caps on how much stock one holder may keep reserved in unpaid (PENDING_PAYMENT) orders at once,
// so a script cannot keep a flash sale's stock reserved by placing orders it never pays. A holder
// is a shopper's email (normalised, so plus-addressing does not mint new holders) or a client
// address (an IPv6 client by its /64, which one subscriber or host typically owns whole).
//
// Each cap is a counter item (`hold#…`) in the rate-limits table, charged with an `ADD` whose
// condition is the cap, inside the same transaction as the stock reservation and the order, and
// given back in the same transaction as the order's leaving PENDING_PAYMENT. The order remembers
// exactly what it charged, so the release is exact even if the limits change in between. A TTL
// past the reservation's lapse deletes a counter nobody touches any more, as a safety net.
import { isIPv4, isIPv6 } from "node:net";
import * as z from "zod";
import { HoldLimitReached, type HoldLimitBreach } from "../shared/domain-error";
import type { TransactItem } from "../inventory/stock-writes";

export interface HolderLimits {
  /** Pending orders at once. */
  orders: number;
  /** Units across all pending orders at once. */
  units: number;
  /** Units of any one product across all pending orders at once. */
  perProduct: number;
}

export interface HoldLimits {
  email?: HolderLimits;
  client?: HolderLimits;
}

const LIMITS_FORMAT = '"off" or "orders=<n>,units=<n>,perProduct=<n>", e.g. "orders=3,units=30,perProduct=10"';

/** Parses ORDER_HOLDS_PER_EMAIL / ORDER_HOLDS_PER_CLIENT ("off" or unset: no cap), failing loudly at cold start. */
export function parseHolderLimits(raw: string | undefined, name: string): HolderLimits | undefined {
  const value = raw?.trim() ?? "";
  if (value === "" || value === "off") return undefined;
  const fields = new Map<string, number>();
  for (const part of value.split(",")) {
    const match = /^\s*(orders|units|perProduct)\s*=\s*(\d{1,6})\s*$/.exec(part);
    if (!match || fields.has(match[1]!)) throw new Error(`${name}=${raw} is not valid: use ${LIMITS_FORMAT}.`);
    fields.set(match[1]!, Number(match[2]));
  }
  const limits = HolderLimitsShape.safeParse(Object.fromEntries(fields));
  if (!limits.success) throw new Error(`${name}=${raw} is not valid: use ${LIMITS_FORMAT}, every number at least 1.`);
  return limits.data;
}

const HolderLimitsShape = z.object({
  orders: z.number().int().min(1),
  units: z.number().int().min(1),
  perProduct: z.number().int().min(1),
});

/** Both holders' caps from the function's settings. */
export function holdLimitsFrom(env: Readonly<Record<string, string | undefined>>): HoldLimits {
  const email = parseHolderLimits(env.ORDER_HOLDS_PER_EMAIL, "ORDER_HOLDS_PER_EMAIL");
  const client = parseHolderLimits(env.ORDER_HOLDS_PER_CLIENT, "ORDER_HOLDS_PER_CLIENT");
  return { ...(email ? { email } : {}), ...(client ? { client } : {}) };
}

/**
 * The holder an email stands for: case and surrounding space ignored, a `+tag` dropped (most
 * providers deliver a+anything@ to a@), and Gmail's ignored dots removed. For keying holds only:
 * the order keeps the address as given.
 */
export function emailHolder(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at <= 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (domain === "gmail.com" || domain === "googlemail.com") {
    local = local.replaceAll(".", "") || local;
    domain = "gmail.com";
  }
  return `${local}@${domain}`;
}

/**
 * The holder a client address stands for: an IPv4 address itself, an IPv6 address by its /64
 * prefix (one subscriber or host gets a whole /64, so its 2^64 addresses are one client), an
 * IPv4-mapped IPv6 address as the IPv4 one. Undefined for anything that is not an IP address.
 */
export function clientHolder(address: string): string | undefined {
  const bare = address.trim().toLowerCase().replace(/%.*$/, "");
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return undefined;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

function ipv6Groups(address: string): number[] {
  const parse = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((group) => {
          if (!group.includes(".")) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split(".").map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const gap = address.indexOf("::");
  if (gap < 0) return parse(address);
  const head = parse(address.slice(0, gap));
  const tail = parse(address.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** What an order charged to one counter, stored on the order so its release is exact. */
export const HoldCharge = z.object({ key: z.string(), units: z.number().int().nonnegative(), orders: z.number().int().nonnegative() });
export type HoldCharge = z.infer<typeof HoldCharge>;

/** A charge together with the cap it must stay within (known only when the order is placed). */
export interface PlannedHold extends HoldCharge {
  holder: HoldLimitBreach["holder"];
  productId?: string;
  maxUnits: number;
  /** Per-holder counters also count orders; per-product ones do not. */
  maxOrders?: number;
}

export interface HoldLine {
  productId: string;
  quantity: number;
  /** The catalog's lower cap for a hot product, per customer (email). */
  maxPerCustomer?: number;
}

/**
 * The counters an order charges: per holder (orders and units) and per holder and product.
 * A product counter is only kept where its cap is below the holder's unit cap (otherwise the
 * holder's own counter already bounds it), which keeps transactions small. Throws
 * HoldLimitReached when the order alone is over a cap, before anything is written.
 */
export function planHolds(who: { email: string; clientAddress?: string }, lines: readonly HoldLine[], limits: HoldLimits): PlannedHold[] {
  const holders: { holder: PlannedHold["holder"]; id: string; limits: HolderLimits; usesCatalogCap: boolean }[] = [];
  if (limits.email) holders.push({ holder: "email", id: emailHolder(who.email), limits: limits.email, usesCatalogCap: true });
  const client = who.clientAddress === undefined ? undefined : clientHolder(who.clientAddress);
  // No usable address (never the case behind API Gateway): the email caps still apply.
  if (limits.client && client) holders.push({ holder: "client", id: client, limits: limits.client, usesCatalogCap: false });

  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  const planned: PlannedHold[] = [];
  for (const { holder, id, limits: caps, usesCatalogCap } of holders) {
    planned.push({ key: `hold#${holder}#${id}`, holder, units, orders: 1, maxUnits: caps.units, maxOrders: caps.orders });
    for (const line of lines) {
      const cap = Math.min(caps.perProduct, usesCatalogCap ? (line.maxPerCustomer ?? Infinity) : Infinity);
      if (cap >= caps.units) continue;
      planned.push({ key: `hold#product#${line.productId}#${holder}#${id}`, holder, productId: line.productId, units: line.quantity, orders: 0, maxUnits: cap });
    }
  }
  const alone = planned.filter((hold) => hold.units > hold.maxUnits);
  if (alone.length > 0) throw new HoldLimitReached(alone.map((hold) => breachOf(hold, undefined, undefined)), undefined);
  return planned;
}

/** Kept this long past the latest reservation it counts, then DynamoDB's TTL deletes a counter nobody settled. */
export const HOLD_COUNTER_TTL_MARGIN_SECONDS = 3600;

/** Charges one counter, on condition that the cap holds afterwards. */
export function chargeHoldItem(table: string, hold: PlannedHold, reservationLapsesAt: number): TransactItem {
  const countsOrders = hold.maxOrders !== undefined;
  // No arithmetic in condition expressions: "held + requested <= max" becomes "held <= max - requested".
  const condition = countsOrders ? "attribute_not_exists(#units) OR (#units <= :unitsRoom AND #orders <= :ordersRoom)" : "attribute_not_exists(#units) OR #units <= :unitsRoom";
  return {
    Update: {
      TableName: table,
      Key: { id: hold.key },
      UpdateExpression: `ADD #units :units${countsOrders ? ", #orders :orders" : ""} SET lapsesAt = :lapsesAt, expiresAt = :expiresAt`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { "#units": "units", ...(countsOrders ? { "#orders": "orders" } : {}) },
      ExpressionAttributeValues: {
        ":units": hold.units,
        ":unitsRoom": hold.maxUnits - hold.units,
        ...(countsOrders ? { ":orders": hold.orders, ":ordersRoom": hold.maxOrders! - hold.orders } : {}),
        // Reservations all last as long, so the latest charge carries the latest lapse.
        ":lapsesAt": reservationLapsesAt,
        ":expiresAt": reservationLapsesAt + HOLD_COUNTER_TTL_MARGIN_SECONDS,
      },
      // What is held, for the refusal's details, without a second read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
}

/**
 * Gives back what an order charged. Unconditional, so it can never block the status change it
 * rides with; a counter TTL already deleted comes back negative (a little extra allowance for
 * that holder) and expires again.
 */
export function releaseHoldItem(table: string, charge: HoldCharge, now: Date): TransactItem {
  const countsOrders = charge.orders > 0;
  return {
    Update: {
      TableName: table,
      Key: { id: charge.key },
      UpdateExpression: `ADD #units :units${countsOrders ? ", #orders :orders" : ""} SET expiresAt = if_not_exists(expiresAt, :expiresAt)`,
      ExpressionAttributeNames: { "#units": "units", ...(countsOrders ? { "#orders": "orders" } : {}) },
      ExpressionAttributeValues: {
        ":units": -charge.units,
        ...(countsOrders ? { ":orders": -charge.orders } : {}),
        ":expiresAt": Math.floor(now.getTime() / 1000) + HOLD_COUNTER_TTL_MARGIN_SECONDS,
      },
    },
  };
}

type RawItem = Record<string, { N?: string } | undefined> | undefined;

/** The refusal for the counters whose condition failed, from what each held (their ALL_OLD images). */
export function holdLimitRefusal(failed: readonly { hold: PlannedHold; item: RawItem }[], now: Date): HoldLimitReached {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let lapsesAt = nowSeconds;
  const breaches = failed.map(({ hold, item }) => {
    const held = { units: Number(item?.units?.N ?? 0), orders: Number(item?.orders?.N ?? 0) };
    lapsesAt = Math.max(lapsesAt, Number(item?.lapsesAt?.N ?? 0));
    return breachOf(hold, held, held.units + hold.units > hold.maxUnits ? "units" : "orders");
  });
  return new HoldLimitReached(breaches, Math.max(1, lapsesAt - nowSeconds));
}

function breachOf(hold: PlannedHold, held: { units: number; orders: number } | undefined, over: "units" | "orders" | undefined): HoldLimitBreach {
  const base = { holder: hold.holder, ...(hold.productId ? { productId: hold.productId } : {}) };
  if (over === "orders") return { ...base, limit: "orders", max: hold.maxOrders!, held: held!.orders, requested: hold.orders };
  return {
    ...base,
    limit: hold.productId ? "perProduct" : "units",
    max: hold.maxUnits,
    ...(held ? { held: held.units } : {}),
    requested: hold.units,
  };
}
