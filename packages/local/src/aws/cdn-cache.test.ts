import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listen } from "../process/listen";
import { sharedCacheLifetime, startCdnCache, type CdnCache } from "./cdn-cache";

describe("sharedCacheLifetime", () => {
  it("takes s-maxage over max-age, and stale-while-revalidate as the stale window", () => {
    expect(sharedCacheLifetime("public, max-age=5, s-maxage=7, stale-while-revalidate=10")).toEqual({ freshMs: 7_000, staleMs: 10_000 });
    expect(sharedCacheLifetime("public, max-age=5")).toEqual({ freshMs: 5_000, staleMs: 0 });
  });

  it("keeps nothing a shared cache may not keep", () => {
    for (const value of [undefined, "no-store", "private, max-age=60", "no-cache, s-maxage=5", "public, max-age=0", "public"]) {
      expect(sharedCacheLifetime(value), String(value)).toBeNull();
    }
  });
});

describe("startCdnCache", () => {
  let cdn: CdnCache | undefined;
  let origin: http.Server | undefined;
  afterEach(async () => {
    await cdn?.stop();
    await new Promise<void>((resolve) => (origin ? origin.close(() => resolve()) : resolve()));
  });

  async function start(cacheControl: string) {
    const seen: string[] = [];
    let release: (() => void) | undefined;
    const gate = { hold: false };
    origin = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const answer = () => {
        res.writeHead(200, { "content-type": "application/json", "cache-control": cacheControl });
        res.end(JSON.stringify({ n: seen.length }));
      };
      if (gate.hold) release = answer;
      else answer();
    });
    const port = await listen(origin, 0, "127.0.0.1");
    let clock = 1_000_000;
    cdn = await startCdnCache({ origin: `http://127.0.0.1:${port}`, now: () => clock });
    const get = async (path: string, method = "GET") => {
      const response = await fetch(`${cdn!.url}${path}`, { method });
      return { state: response.headers.get("x-cache"), body: await response.text() };
    };
    return { seen, get, gate, release: () => release?.(), advance: (ms: number) => (clock += ms) };
  }

  it("answers from its copy while fresh, then stale while one request refreshes it, keyed by path and query", async () => {
    const t = await start("public, max-age=5, s-maxage=5, stale-while-revalidate=10");
    expect((await t.get("/products/a")).state).toBe("Miss");
    expect(await t.get("/products/a")).toEqual({ state: "Hit", body: '{"n":1}' });
    expect((await t.get("/products/a?x=1")).state).toBe("Miss");
    expect(t.seen).toEqual(["GET /products/a", "GET /products/a?x=1"]);

    t.advance(6_000);
    expect(await t.get("/products/a")).toEqual({ state: "RefreshHit", body: '{"n":1}' });
    await expect.poll(() => t.seen.length).toBe(3);
    await expect.poll(async () => (await t.get("/products/a")).body).toBe('{"n":3}');

    t.advance(16_000);
    expect((await t.get("/products/a")).state).toBe("Miss");
  });

  it("sends concurrent misses for one key to the origin once", async () => {
    const t = await start("public, s-maxage=5");
    t.gate.hold = true;
    const answers = Promise.all([t.get("/products"), t.get("/products"), t.get("/products")]);
    await expect.poll(() => t.seen.length).toBe(1);
    t.release();
    expect((await answers).map((a) => a.body)).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(t.seen).toEqual(["GET /products"]);
  });

  it("passes private answers and other methods through every time", async () => {
    const t = await start("private, no-store");
    await t.get("/orders/1");
    await t.get("/orders/1");
    await t.get("/orders", "POST");
    expect(t.seen).toEqual(["GET /orders/1", "GET /orders/1", "POST /orders"]);
  });
});
