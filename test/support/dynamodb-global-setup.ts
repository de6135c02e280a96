// Vitest globalSetup of the unit project: one DynamoDB Local (a JVM, ~1.5 s to start) for every
// unit test file that needs a real table, instead of one per file. Each file gets tables of its
// own (test/support/unit-store.ts), so files still run in parallel without seeing each other.
import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "@shopwave/local/aws/dynamodb-local";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal({ host: "127.0.0.1", port: 0 });
  project.provide("dynamoDbEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
