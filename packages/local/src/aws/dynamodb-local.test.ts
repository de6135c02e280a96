import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { startDynamoDbLocal, type DynamoDbLocal } from "./dynamodb-local";

// A zombie (exited, not yet reaped by a container's init) counts as dead.
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
};

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("startDynamoDbLocal", () => {
  const started: DynamoDbLocal[] = [];
  afterAll(async () => {
    await Promise.all(started.map((d) => d.stop()));
  });

  it("answers the DynamoDB API on a free port and stop() kills the JVM", async () => {
    const dynamo = await startDynamoDbLocal({ host: "127.0.0.1", port: 0 });
    started.push(dynamo);
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
    expect(dynamo.port).toBeGreaterThan(0);

    // -sharedDb: any credentials and region see the same database.
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });

    expect(isAlive(dynamo.pid)).toBe(true);
    await dynamo.stop();
    expect(isAlive(dynamo.pid)).toBe(false);
    await expect(client.send(new ListTablesCommand({}))).rejects.toThrow();
    await dynamo.stop(); // idempotent
    client.destroy();
  });

  it("says how to install Java when java is missing", async () => {
    const previous = process.env.JAVA_HOME;
    process.env.JAVA_HOME = "/nonexistent-java-home";
    try {
      await expect(startDynamoDbLocal({ port: 0 })).rejects.toThrow(/apt-get install -y openjdk-17-jre-headless/);
    } finally {
      if (previous === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = previous;
    }
  });

  it("refuses a port that is already taken instead of probing someone else's server", async () => {
    const blocker = createServer();
    blocker.listen(0);
    await once(blocker, "listening");
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(new RegExp(`port ${port}`));
    } finally {
      blocker.close();
    }
  });

  it("does not outlive a parent that is killed with SIGKILL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shopwave-ddb-"));
    const moduleUrl = new URL("./dynamodb-local.ts", import.meta.url).href;
    const script = join(dir, "parent.mts");
    writeFileSync(
      script,
      `import { startDynamoDbLocal } from ${JSON.stringify(moduleUrl)};\n` +
        `const d = await startDynamoDbLocal({ port: 0 });\nconsole.log("PID " + d.pid);\nsetInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    try {
      let out = "";
      parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      let parentExited = false;
      parent.once("exit", () => (parentExited = true));
      await waitFor(() => /PID \d+/.test(out) || parentExited, 30_000);
      const pid = Number(/PID (\d+)/.exec(out)?.[1]);
      expect(isAlive(pid)).toBe(true);
      parent.kill("SIGKILL");
      await waitFor(() => !isAlive(pid), 10_000);
    } finally {
      parent.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
