// One invocation of a handler as Lambda runs it for an event source mapping: a fresh context and
// the function timeout. The pollers (queue-poller, dynamodb-stream-poller) interpret the outcome.
import type { Context } from "aws-lambda";
import { createLambdaContext, type LambdaFunctionSettings } from "./lambda-context";

export type InvocationOutcome =
  | { kind: "returned"; value: unknown; requestId: string }
  | { kind: "threw"; error: unknown; requestId: string }
  | { kind: "timeout"; requestId: string };

export async function invokeWithTimeout<Event>(
  handler: (event: Event, context: Context) => unknown,
  event: Event,
  settings: LambdaFunctionSettings,
): Promise<InvocationOutcome> {
  const context = createLambdaContext(settings);
  const requestId = context.awsRequestId;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), settings.timeoutSeconds * 1000);
  });
  // Lambda would freeze a timed-out sandbox; here the handler keeps running, so its late
  // rejection must not become an unhandled one.
  const invocation = Promise.resolve().then(() => handler(event, context));
  invocation.catch(() => undefined);
  try {
    const result = await Promise.race([invocation, timedOut]);
    if (result === "timeout") return { kind: "timeout", requestId };
    return { kind: "returned", value: result, requestId };
  } catch (error) {
    return { kind: "threw", error, requestId };
  } finally {
    clearTimeout(timer);
  }
}
