import { describe, expect, it } from "vitest";
import { handler } from "./health";

describe("GET /health", () => {
  it("answers 200 { ok: true } as JSON, never cached", async () => {
    const response = await handler();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toEqual({ ok: true });
    expect(response.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  });
});
