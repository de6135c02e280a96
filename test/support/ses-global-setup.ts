// Vitest globalSetup of the unit project: one local SES (aws-ses-v2-local) for every unit test that
// sends mail. Mails stay in that server's process, so tests tell theirs apart by recipient
// (test/support/inbox.ts filters by `to`).
import type { TestProject } from "vitest/node";
import { startLocalSes } from "@shopwave/local/aws/ses-local";

declare module "vitest" {
  export interface ProvidedContext {
    sesEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ses = await startLocalSes({ host: "127.0.0.1", port: 0 });
  project.provide("sesEndpoint", ses.endpoint);
  return () => ses.stop();
}
