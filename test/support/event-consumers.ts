// The order event consumers whose handler exists in this tree. The email consumer is written on
// another branch; until it is merged, the suites run the stack with the others (a consumer whose
// handler is missing would stop the stack from starting). Once every handler exists this is all of them.
import { existsSync } from "node:fs";
import { eventConsumers } from "@shopwave/infra/topology";
import type { EventConsumerName } from "@shopwave/local/stack/event-consumer-pollers";

export const runnableEventConsumers: readonly EventConsumerName[] = (Object.keys(eventConsumers) as EventConsumerName[]).filter((name) =>
  existsSync(new URL(`../../${eventConsumers[name].consumer.handler.replace(/\.handler$/, ".ts")}`, import.meta.url)),
);
