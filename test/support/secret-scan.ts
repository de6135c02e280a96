// Looks for secrets in what the storefront sends to browsers: Stripe secret and restricted
// keys, webhook signing secrets, AWS access key ids, and any exact secret values the caller
// knows were in the environment. Publishable keys (pk_…) are meant for browsers and pass.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface SecretFinding {
  /** Which file or URL it was found in. */
  where: string;
  kind: string;
  /** The match, shortened so the report does not republish the secret. */
  excerpt: string;
}

const patterns: { kind: string; pattern: RegExp }[] = [
  { kind: "Stripe secret key", pattern: /\bsk_(?:test|live)_[0-9A-Za-z]{8,}/g },
  { kind: "Stripe restricted key", pattern: /\brk_(?:test|live)_[0-9A-Za-z]{8,}/g },
  { kind: "Stripe webhook signing secret", pattern: /\bwhsec_[0-9A-Za-z_]{8,}/g },
  { kind: "AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: "AWS secret access key assignment", pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[0-9A-Za-z/+]{40}/gi },
];

const shorten = (match: string) => (match.length <= 12 ? match : `${match.slice(0, 10)}…(${match.length} chars)`);

export function scanText(text: string, where: string, knownSecrets: readonly string[] = []): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { kind, pattern } of patterns) {
    for (const match of text.matchAll(pattern)) findings.push({ where, kind, excerpt: shorten(match[0]) });
  }
  for (const secret of knownSecrets) {
    if (secret.length >= 8 && text.includes(secret)) findings.push({ where, kind: "a secret value from the build environment", excerpt: shorten(secret) });
  }
  return findings;
}

/** Every file under `dir` (text and binary alike: a secret in a source map or a font is still out). */
export function scanDirectory(dir: string, knownSecrets: readonly string[] = []): { files: number; findings: SecretFinding[] } {
  let files = 0;
  const findings: SecretFinding[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        files++;
        findings.push(...scanText(readFileSync(full).toString("latin1"), path.relative(dir, full), knownSecrets));
      }
    }
  };
  walk(dir);
  return { files, findings };
}
