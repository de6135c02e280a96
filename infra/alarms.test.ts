import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { alarms } from "./alarms";
import { eventConsumers, queues, streams } from "./topology";

const runbook = readFileSync(new URL("../docs/operations.md", import.meta.url), "utf8");
/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes. */
const anchors = new Set(
  [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w\- ]/g, "").trim().replace(/ /g, "-")),
);

describe("alarms", () => {
  it.each(alarms.map((alarm) => [alarm.name, alarm] as const))("%s has a runbook section", (_name, alarm) => {
    expect(anchors).toContain(alarm.runbook);
  });

  it("watch queues that the topology declares", () => {
    const declared = new Set([
      ...[...Object.values(queues), ...Object.values(eventConsumers)].flatMap((q) => [q.resource, q.deadLetter.resource]),
      ...Object.values(streams).map((stream) => stream.onFailure.resource),
    ]);
    for (const alarm of alarms) if (alarm.metric.kind === "queue") expect(declared).toContain(alarm.metric.queue);
  });

  it("watch every order event consumer's DLQ", () => {
    const watched = alarms.flatMap((alarm) => (alarm.metric.kind === "queue" ? [alarm.metric.queue] : []));
    for (const consumer of Object.values(eventConsumers)) expect(watched).toContain(consumer.deadLetter.resource);
  });

  it("have unique names", () => {
    expect(new Set(alarms.map((a) => a.name)).size).toBe(alarms.length);
  });
});

describe("app metric alarms", () => {
  it("watch metrics the functions actually emit", async () => {
    const { readdirSync } = await import("node:fs");
    const root = new URL("../packages/functions/src/", import.meta.url);
    const sources = (readdirSync(root, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
      .map((file) => readFileSync(new URL(file, root), "utf8"))
      .join("\n");
    for (const alarm of alarms) {
      if (alarm.metric.kind === "app") expect(sources, alarm.name).toContain(`"${alarm.metric.name}"`);
    }
  });
});
