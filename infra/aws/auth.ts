// The customer sign-in issuer: OpenAuth's issuer in a Lambda function with a function URL, and a
// DynamoDB table of its own for OpenAuth's storage (signing keys, refresh tokens), wired through
// OPENAUTH_STORAGE: exactly the two parts `sst.aws.Auth` creates, built here directly because
// sst.aws.Auth (its issuer an Output<Function>) does not run under the Pulumi-mock harness that
// tests this program offline (the mocked run dies with ECONNRESET). Swapping back is one call:
// `new sst.aws.Auth(auth.resource, { issuer: functionArgs(...) })`.
import { auth } from "../topology";
import { functionArgs, type Linkables, type SettingValues } from "./functions";
import { createTable } from "./storage";

export function createAuth(linkables: Linkables, settings: SettingValues, options: { production: boolean }) {
  const storage = createTable(auth.storage, options);
  const args = functionArgs(auth.issuer, linkables, settings);
  const issuer = new sst.aws.Function(auth.resource, {
    ...args,
    url: true,
    link: [...(args.link as $util.Input<unknown>[]), storage] as sst.aws.FunctionArgs["link"],
    environment: {
      ...(args.environment as Record<string, $util.Input<string>>),
      OPENAUTH_STORAGE: $jsonStringify({ type: "dynamo", options: { table: storage.name } }),
    },
  });
  return { url: issuer.url.apply((url) => url.replace(/\/$/, "")), nodes: { issuer, storage } };
}
