import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Whether any live (non-zombie) process is in the group: a killed one a container's init has not reaped yet counts as dead. */
const groupAlive = (pgid: number) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        // pid (comm) state ppid pgrp …; comm may contain spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(pgrp) === pgid && state !== "Z";
      } catch {
        return false;
      }
    });

async function waitFor(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("killWithUs", () => {
  it("kills a detached child's whole process group when the parent is killed with SIGKILL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shopwave-lifetime-"));
    const moduleUrl = new URL("./child-process-lifetime.ts", import.meta.url).href;
    const script = join(dir, "parent.mts");
    // The child forks a grandchild, as `next dev` forks its server: both must go.
    writeFileSync(
      script,
      `import { spawn } from "node:child_process";\nimport { killWithUs } from ${JSON.stringify(moduleUrl)};\n` +
        `const child = spawn("/bin/sh", ["-c", "sleep 300 & sleep 300"], { detached: true, stdio: "ignore" });\n` +
        `killWithUs(child, { processGroup: true });\nconsole.log("PGID " + child.pid);\nsetInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      let out = "";
      parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      await waitFor(() => /PGID \d+/.test(out), 20_000);
      const pgid = Number(/PGID (\d+)/.exec(out)?.[1]);
      await waitFor(() => groupAlive(pgid), 5_000);
      parent.kill("SIGKILL");
      await waitFor(() => !groupAlive(pgid), 10_000);
      expect(groupAlive(pgid)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
