// Builds the Lambda `Context` the local stack passes to handlers, so code that reads
// getRemainingTimeInMillis() or awsRequestId behaves as it does on AWS.
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

export interface LambdaFunctionSettings {
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export function createLambdaContext(settings: LambdaFunctionSettings): Context {
  const deadline = Date.now() + settings.timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  const region = process.env.AWS_REGION ?? "us-east-1";
  const unsupported = () => {
    throw new Error("Callback-style context methods are not supported; return a promise from the handler.");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: settings.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${settings.functionName}`,
    memoryLimitInMB: String(settings.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${settings.functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Lambda's function name for a handler reference such as `packages/functions/src/api/health.handler`. */
export function functionNameFor(handlerRef: string): string {
  const file = handlerRef.replace(/\.[^./]+$/, "");
  return file.split("/").slice(-2).join("-");
}
