// The customer sign-in issuer as SST's Auth component: OpenAuth's issuer in a Lambda function
// (the same module the local stack serves), with a DynamoDB table of its own for OpenAuth's
// storage (signing keys, refresh tokens), wired through OPENAUTH_STORAGE by the component.
import { auth } from "../topology";
import { functionArgs, type Linkables, type SettingValues } from "./functions";

export function createAuth(linkables: Linkables, settings: SettingValues): sst.aws.Auth {
  return new sst.aws.Auth(auth.resource, { issuer: functionArgs(auth.issuer, linkables, settings) });
}
