// Stripe's keys as SST secrets: set per stage with `sst secret set <Name> <value> --stage <stage>`,
// stored encrypted in the stage's state, and handed only to the functions linked to them (inside
// their encrypted bundle, never as plaintext environment variables).
import { secrets } from "../topology";

export function createSecrets(): Record<string, sst.Secret> {
  return Object.fromEntries(Object.values(secrets).map((declaration) => [declaration.resource, new sst.Secret(declaration.resource)]));
}
