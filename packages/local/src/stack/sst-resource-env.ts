// The `SST_RESOURCE_*` variables SST's `Resource` reads, derived from the topology: every table,
// every queue and dead-letter queue (the order event consumers' and the publisher's failure queue
// too), every secret, the email identity, the order events bus. A resource added to infra/topology.ts reaches
// the handlers locally with no second list to keep in step (a secret without a value is an error).
import { email, eventBus, eventConsumers, queues, secrets, streams, tables, type SecretResource, type TableDeclaration } from "@shopwave/infra/topology";

export function sstResourceEnv(input: {
  app: { name: string; stage: string };
  tableName: (declaration: Pick<TableDeclaration, "resource">) => string;
  /** Queue URLs by logical resource name, as created locally. */
  queueUrls: Readonly<Record<string, { url: string } | undefined>>;
  secretValues: Readonly<Record<SecretResource, string>>;
  /** The address the SES identity (`email` in the topology) sends from. */
  emailSender: string;
  /** The local order events bus (`eventBus` in the topology). */
  eventBus: { name: string; arn: string };
}): Record<string, string> {
  const env: Record<string, string> = { SST_RESOURCE_App: JSON.stringify(input.app) };
  for (const declaration of Object.values(tables) as TableDeclaration[]) {
    env[`SST_RESOURCE_${declaration.resource}`] = JSON.stringify({ name: input.tableName(declaration), type: "sst.aws.Dynamo" });
  }
  const queueResources = [
    ...[...Object.values(queues), ...Object.values(eventConsumers)].flatMap((queue) => [queue.resource, queue.deadLetter.resource]),
    ...Object.values(streams).map((stream) => stream.onFailure.resource),
  ];
  {
    for (const resource of queueResources) {
      const created = input.queueUrls[resource];
      if (!created) throw new Error(`Queue ${resource} (infra/topology.ts) was not created locally.`);
      env[`SST_RESOURCE_${resource}`] = JSON.stringify({ url: created.url, type: "sst.aws.Queue" });
    }
  }
  for (const secret of Object.values(secrets)) {
    const value = input.secretValues[secret.resource];
    if (value === undefined || value === "") throw new Error(`Secret ${secret.resource} has no local value (set ${secret.env} in .env).`);
    env[`SST_RESOURCE_${secret.resource}`] = JSON.stringify({ value, type: "sst.sst.Secret" });
  }
  // sst.aws.Email's link: the sender, and the configuration set the identity sends through.
  env[`SST_RESOURCE_${email.resource}`] = JSON.stringify({ sender: input.emailSender, configSet: `${input.app.name}-${input.app.stage}-email`, type: "sst.aws.Email" });
  env[`SST_RESOURCE_${eventBus.resource}`] = JSON.stringify({ name: input.eventBus.name, arn: input.eventBus.arn, type: "sst.aws.Bus" });
  return env;
}
