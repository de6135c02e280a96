// No secret reaches a browser: the storefront was built (in the global setup) with Stripe and
// AWS secrets in its environment, as a developer's or CI's build is. Everything a browser can
// get is scanned for secret-shaped strings and for those exact values: the built client
// assets, web/public, and the pages as served (their HTML embeds the React Server Component
// payload, where a server-side value passed to a client component would show up).
import path from "node:path";
import { webDir } from "@shopwave/local/stack/storefront-server";
import { scanDirectory, scanText, type SecretFinding } from "../support/secret-scan";
import { buildCanaries } from "./support/e2e-env";
import { expect, test } from "./support/fixtures";

const knownSecrets = Object.values(buildCanaries);

test("no secret is in the built client assets or the public files", () => {
  const staticAssets = scanDirectory(path.join(webDir, ".next", "static"), knownSecrets);
  expect(staticAssets.files, "the build produced client assets").toBeGreaterThan(5);
  const publicFiles = scanDirectory(path.join(webDir, "public"), knownSecrets);
  expect([...staticAssets.findings, ...publicFiles.findings]).toEqual([]);
});

test("no secret is in the pages as served", async ({ request, e2e }) => {
  const placed = await fetch(`${e2e.apiUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "scan@example.com", items: [{ productId: "field-notebook", quantity: 1 }] }),
  });
  const { order } = (await placed.json()) as { order: { id: string } };
  const paths = ["/", "/products/field-notebook", "/cart", `/orders/${order.id}`, "/no-such-page"];
  const findings: SecretFinding[] = [];
  for (const pagePath of paths) {
    const response = await request.get(pagePath);
    findings.push(...scanText(await response.text(), pagePath, knownSecrets));
    // The RSC payload a client-side navigation fetches.
    const flight = await request.get(pagePath, { headers: { rsc: "1" } });
    findings.push(...scanText(await flight.text(), `${pagePath} (RSC)`, knownSecrets));
  }
  expect(findings).toEqual([]);
});
