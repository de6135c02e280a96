// Invoking a handler under both timeouts: the function's own (a function error) and the HTTP
// API's integration timeout (the client sees 503 while the function may still run).
type InvocationOutcome = { kind: "result"; value: unknown } | { kind: "error"; error: unknown } | { kind: "lambda-timeout" } | { kind: "integration-timeout" };

export async function invokeWithTimeouts(
  invoke: () => Promise<unknown>,
  lambdaTimeoutMs: number,
  integrationTimeoutMs: number,
): Promise<InvocationOutcome> {
  const timers: NodeJS.Timeout[] = [];
  const after = (ms: number, outcome: InvocationOutcome) =>
    new Promise<InvocationOutcome>((resolve) => timers.push(setTimeout(() => resolve(outcome), ms)));
  const run = invoke().then(
    (value): InvocationOutcome => ({ kind: "result", value }),
    (error: unknown): InvocationOutcome => ({ kind: "error", error }),
  );
  try {
    return await Promise.race([run, after(lambdaTimeoutMs, { kind: "lambda-timeout" }), after(integrationTimeoutMs, { kind: "integration-timeout" })]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
