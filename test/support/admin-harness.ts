// Console (`/admin/…`) handlers under unit test: the handler harness (tables on DynamoDB Local,
// the Stripe simulator, optionally SQS) plus a stand-in issuer whose operator and customer tokens
// the handlers verify as on AWS, and request events that carry them.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { AuditLog } from "@shopwave/core/admin/audit-log";
import { queues, tables } from "@shopwave/infra/topology";
import { apiEvent, startHandlerHarness, type HandlerHarness } from "./handler-harness";
import { startTestIssuer, type TestIssuer } from "./token-signer";

export const OPERATOR = { customerId: "cus_0000000000000000000000oper", email: "ops@shop.example", roles: ["customer", "operator"] };
export const CUSTOMER = { customerId: "cus_0000000000000000000000cust", email: "shopper@example.com", roles: ["customer"] };

export interface AdminHarness extends HandlerHarness {
  issuer: TestIssuer;
  operatorToken: string;
  customerToken: string;
  /** The audit table the handlers write to, for reading entries back. */
  audit: AuditLog;
  /**
   * An API Gateway event for `routeKey` as an operator sends it (`token: null` sends none): path
   * parameters filled into the path, a JSON body with its content type.
   */
  event(
    routeKey: string,
    request?: { pathParameters?: Record<string, string>; query?: Record<string, string>; json?: unknown; token?: string | null },
  ): APIGatewayProxyEventV2;
  /**
   * Parks messages in the order-events dead-letter queue the way a failing worker does: each sent to
   * the order-events queue with an `orderId` attribute and received past its maxReceiveCount, so
   * SQS's redrive policy moves it (needs `{ sqs: true }`).
   */
  parkDeadLetters(bodies: string[]): Promise<void>;
}

export async function startAdminHarness(options: { sqs?: boolean } = {}): Promise<AdminHarness> {
  const h = await startHandlerHarness(options);
  const issuer = await startTestIssuer();
  const [operatorToken, customerToken] = await Promise.all([issuer.sign(OPERATOR), issuer.sign(CUSTOMER)]);
  const [byTime, byOperator, byTarget] = tables.audit.globalIndexes;
  const audit: AuditLog = {
    db: h.u.store.db,
    table: (JSON.parse(h.u.handlerEnv[`SST_RESOURCE_${tables.audit.resource}`]!) as { name: string }).name,
    indexes: { byTime: byTime.name, byOperator: byOperator.name, byTarget: byTarget.name },
  };
  return {
    ...h,
    issuer,
    audit,
    operatorToken,
    customerToken,
    load: (importModule, env = {}) => h.load(importModule, { AUTH_ISSUER_URL: issuer.url, ...env }),
    event(routeKey, request = {}) {
      const [, path = "/"] = routeKey.split(" ");
      const rawPath = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.pathParameters?.[name] ?? ""));
      const token = request.token === undefined ? operatorToken : request.token;
      return apiEvent(routeKey, {
        rawPath,
        ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
        ...(request.query ? { query: request.query } : {}),
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(request.json === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(request.json === undefined ? {} : { body: typeof request.json === "string" ? request.json : JSON.stringify(request.json) }),
      });
    },
    async parkDeadLetters(bodies) {
      if (!h.sqs) throw new Error("parkDeadLetters needs startAdminHarness({ sqs: true })");
      const { client, queueUrls } = h.sqs;
      const source = queueUrls[queues.orderEvents.resource]!;
      for (const body of bodies) {
        await client.send(new SendMessageCommand({ QueueUrl: source, MessageBody: body, MessageAttributes: { orderId: { DataType: "String", StringValue: `ord_for_${body}` } } }));
      }
      // Visibility 0 on each receive: the messages come straight back until they are over the count.
      for (let receive = 0; receive <= queues.orderEvents.deadLetter.maxReceiveCount; receive++) {
        await client.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      }
    },
    async stop() {
      await Promise.all([h.stop(), issuer.stop()]);
    },
  };
}
