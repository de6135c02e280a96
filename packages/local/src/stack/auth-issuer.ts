// The sign-in issuer on its own port, as the stage's issuer function runs it on AWS: the same Hono app
// (packages/functions/src/auth/issuer.ts) served by @hono/node-server, its OpenAuth storage in
// DynamoDB Local (OPENAUTH_STORAGE with an endpoint override, the variable sst.aws.Auth sets), so
// signing keys survive restarts of the issuer and clients' cached keys stay valid. It listens
// before the handlers' env exists (its URL goes into that env) and loads the app on first request.
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import { loadHandler } from "../aws/handler-loader";

export interface LocalAuthIssuer {
  /** The one origin tokens name (`iss`): 127.0.0.1, never localhost. */
  url: string;
  /** The env the issuer's app needs, to be merged into the handlers' env before `ready()`. */
  storageEnv(tableName: string, dynamoDbEndpoint: string): Record<string, string>;
  /** Lets requests through once the env is in place. */
  ready(): void;
  stop(): Promise<void>;
}

export async function startLocalAuthIssuer(options: { host: string; port: number; /** `path/to/issuer.issuerApp`: the function that builds the issuer's app. */
  issuerAppRef: string }): Promise<LocalAuthIssuer> {
  let markReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  let app: Promise<Hono> | undefined;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        hostname: options.host,
        port: options.port,
        fetch: async (request, env) => {
          await readyPromise;
          app ??= loadHandler<() => Hono>(options.issuerAppRef).then((issuerApp) => issuerApp());
          return (await app).fetch(request, env);
        },
      },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    storageEnv: (tableName, endpoint) => ({
      OPENAUTH_STORAGE: JSON.stringify({ type: "dynamo", options: { table: tableName, endpoint } }),
    }),
    ready: markReady,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
