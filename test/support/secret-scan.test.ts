import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scanDirectory, scanText } from "./secret-scan";

describe("scanText", () => {
  it("finds Stripe secret, restricted and webhook keys and AWS key ids, but not publishable keys", () => {
    const bundle = [
      'const a="sk_live_51HxAbCdEfGhIjKlMn";',
      'const b="sk_test_shopwave_local_simulator";',
      'const c="rk_test_12345678abcdef";',
      'const d="whsec_shopwave_local_simulator_secret";',
      'const e="AKIAIOSFODNN7EXAMPLE";',
      'const f={aws_secret_access_key:"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};',
      'const ok="pk_test_51HxAbCdEfGhIjKlMn";',
    ].join("\n");
    const kinds = scanText(bundle, "chunk.js").map((finding) => finding.kind);
    expect(kinds).toEqual([
      "Stripe secret key",
      "Stripe secret key",
      "Stripe restricted key",
      "Stripe webhook signing secret",
      "AWS access key id",
      "AWS secret access key assignment",
    ]);
  });

  it("finds exact known secret values in any shape, and does not print them whole", () => {
    const [finding] = scanText("x=CanaryAwsSecret/value01;", "page.html", ["CanaryAwsSecret/value01"]);
    expect(finding?.kind).toBe("a secret value from the build environment");
    expect(finding?.excerpt).not.toContain("value01");
  });

  it("passes clean code", () => {
    expect(scanText('fetch("/products");const skip="sk_";', "clean.js", ["never-present-secret"])).toEqual([]);
  });
});

describe("scanDirectory", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "secret-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("walks nested files and reports where each secret is", () => {
    mkdirSync(path.join(dir, "static", "chunks"), { recursive: true });
    writeFileSync(path.join(dir, "static", "chunks", "app.js"), "let k='sk_test_abcdefgh12345678'");
    writeFileSync(path.join(dir, "static", "clean.css"), "body{color:red}");
    const result = scanDirectory(dir);
    expect(result.files).toBe(2);
    expect(result.findings).toEqual([{ where: path.join("static", "chunks", "app.js"), kind: "Stripe secret key", excerpt: "sk_test_ab…(24 chars)" }]);
  });
});
