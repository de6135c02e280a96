// The dead-letter queues a console handler may operate, from the topology and the handler's
// links: a function linked to only some queues sees only those (Resource has no entry for the rest).
import type { DeadLetterDeps, DeadLetterQueueRef } from "@shopwave/core/operations/dead-letters";
import { queues } from "@shopwave/infra/topology";
import { Resource } from "sst";
import { auditLog } from "./audit-log";
import { sqsClient } from "./sqs";

function linkedUrl(resource: string): string | undefined {
  try {
    return (Resource as unknown as Record<string, { url?: string }>)[resource]?.url;
  } catch {
    return undefined; // SST's Resource throws for a resource the function is not linked to
  }
}

export function deadLetterQueues(): DeadLetterQueueRef[] {
  return Object.values(queues).flatMap((queue) => {
    const url = linkedUrl(queue.deadLetter.resource);
    if (!url) return [];
    return [
      {
        resource: queue.deadLetter.resource,
        url,
        // A route that does not send to the source (inspect, delete) is not linked to it.
        source: { resource: queue.resource, url: linkedUrl(queue.resource) ?? "" },
        maxReceiveCount: queue.deadLetter.maxReceiveCount,
      },
    ];
  });
}

export function deadLetterDeps(): DeadLetterDeps {
  return { sqs: sqsClient, queues: deadLetterQueues(), audit: auditLog };
}
