// A stand-in OpenAuth issuer for unit tests: serves the two documents a verifier reads
// (`/.well-known/oauth-authorization-server`, `/.well-known/jwks.json`) on a loopback port and
// signs access tokens exactly as OpenAuth's issuer does (ES256, `kid`, `mode: "access"`, `type`,
// `properties`, `aud` = client id, `iss` = its origin, `sub`, `exp`), with real generated keys.
// Tests can rotate the key, sign with a key it does not publish, or take the issuer down or hang it.
import { createServer, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from "jose";

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

export interface TokenClaims {
  customerId: string;
  email: string;
  roles: string[];
}

export interface SignOptions {
  aud?: string;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  mode?: string;
  type?: string;
  /** Sign with a key the issuer does not publish (same kid as the current one unless `kid` is set). */
  unpublishedKey?: boolean;
  kid?: string;
  alg?: string;
}

export interface TestIssuer {
  url: string;
  clientId: string;
  /** Documents served so far (the verifier's cache is visible in how few there are). */
  jwksFetches: number;
  sign(properties: TokenClaims | Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** A new current key; the old one stays published unless `dropOld`. */
  rotate(options?: { dropOld?: boolean }): Promise<void>;
  /** 503 for every document (the issuer is down). */
  setDown(down: boolean): void;
  /** Requests are accepted and never answered (the issuer hangs). */
  setStalled(stalled: boolean): void;
  stop(): Promise<void>;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "ES256" };
  return { kid, privateKey, jwk };
}

export async function startTestIssuer(options: { clientId?: string } = {}): Promise<TestIssuer> {
  const clientId = options.clientId ?? "storefront";
  let keys = [await newKey()];
  let down = false;
  let stalled = false;
  const state = { jwksFetches: 0 };
  let url = "";
  const server: Server = createServer((req, res) => {
    if (stalled) return;
    if (down) {
      res.writeHead(503).end();
      return;
    }
    if (req.url === "/.well-known/oauth-authorization-server") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: url, authorization_endpoint: `${url}/authorize`, token_endpoint: `${url}/token`, jwks_uri: `${url}/.well-known/jwks.json` }));
      return;
    }
    if (req.url === "/.well-known/jwks.json") {
      state.jwksFetches += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    get jwksFetches() {
      return state.jwksFetches;
    },
    async sign(properties, signOptions = {}) {
      const current = keys[0]!;
      const key = signOptions.unpublishedKey ? await newKey() : current;
      const kid = signOptions.kid ?? (signOptions.unpublishedKey ? current.kid : key.kid);
      const nowSeconds = Math.floor(Date.now() / 1000);
      return new SignJWT({
        mode: signOptions.mode ?? "access",
        type: signOptions.type ?? "customer",
        properties,
        aud: signOptions.aud ?? clientId,
        iss: signOptions.iss ?? url,
        sub: `customer:${randomUUID().slice(0, 16)}`,
      })
        .setExpirationTime(nowSeconds + (signOptions.expiresIn ?? 900))
        .setProtectedHeader({ alg: signOptions.alg ?? "ES256", kid, typ: "JWT" })
        .sign(key.privateKey);
    },
    async rotate(rotateOptions = {}) {
      const fresh = await newKey();
      keys = rotateOptions.dropOld ? [fresh] : [fresh, ...keys];
    },
    setDown(value) {
      down = value;
    },
    setStalled(value) {
      stalled = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Requests left hanging by setStalled would hold close() open.
        server.closeAllConnections();
      }),
  };
}
