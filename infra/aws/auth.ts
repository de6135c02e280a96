// The customer sign-in issuer as SST's Auth component: OpenAuth's issuer in a Lambda function with
// a function URL (the same module the local stack serves), and a DynamoDB table of its own for
// OpenAuth's storage (signing keys, refresh tokens), which the component links to the issuer and
// wires through OPENAUTH_STORAGE. The component takes no options for that table, so the stage's
// table rules (deletion protection and point-in-time recovery in production, as every table of
// infra/aws/storage.ts has) reach it through a transform of the Dynamo component it creates.
import { auth } from "../topology";
import { functionArgs, type Linkables, type SettingValues } from "./functions";

export function createAuth(linkables: Linkables, settings: SettingValues, { production }: { production: boolean }): sst.aws.Auth {
  // sst.aws.Auth names its storage component `${name}Storage`: topology's auth.storage.resource.
  $transform(sst.aws.Dynamo, (args, _opts, name) => {
    if (name !== auth.storage.resource) return;
    const previous = args.transform?.table;
    args.deletionProtection = production;
    args.transform = {
      ...args.transform,
      table: (tableArgs, opts, tableName) => {
        if (typeof previous === "function") previous(tableArgs, opts, tableName);
        else if (previous) Object.assign(tableArgs, previous);
        tableArgs.pointInTimeRecovery = { enabled: production };
        return undefined;
      },
    };
  });
  return new sst.aws.Auth(auth.resource, { issuer: functionArgs(auth.issuer, linkables, settings) });
}
