// Cost per confirmed order, from what the load run metered (aws-usage-meter.ts) times the price
// table (price-table.ts): API requests, Lambda invocations and GB-seconds per function (at the
// memory each function's Lambda context declares, i.e. the topology's), DynamoDB request units as
// AWS bills them, requests to every other AWS service, log bytes, and the CDN's requests and bytes
// for the catalog. Everything is divided by the confirmed orders of the run, so a flash sale's
// browsing and sold-out shoppers are carried by the orders that went through, as they are in a bill.
import type { AwsUsage } from "./aws-usage-meter";
import { modelledLogBytes, priceTable } from "./price-table";

export interface CdnUsage {
  requests: number;
  bytesOut: number;
}

export interface CostReport {
  confirmedOrders: number;
  perOrder: {
    apiRequests: number;
    lambda: Record<string, { invocations: number; gbSeconds: number; memoryMb: number; billedMsPerInvocation: number; durationFrom: "solo invocations" | "contended wall time" }>;
    lambdaInvocations: number;
    lambdaGbSeconds: number;
    dynamodb: { rru: number; wru: number; localReportedUnits: number; byTable: Record<string, { rru: number; wru: number }> };
    /** Requests to each other AWS service (SDK serviceId → requests). */
    awsRequests: Record<string, number>;
    eventBridgeEvents: number;
    logBytes: { measured: number; modelled: number };
    cdn: CdnUsage;
  };
  /** US dollars per 1,000,000 confirmed orders, by line. */
  dollarsPerMillionOrders: Record<string, number> & { backEnd: number; storefrontCdn: number };
  /** Services the meter saw that the price table has no price for (their requests are counted, not priced). */
  unpriced: string[];
  meterErrorCount: number;
  meterErrors: string[];
  prices: typeof priceTable;
}

const PRICED_SERVICES = new Set(["DynamoDB", "SQS", "EventBridge", "SESv2", "SES"]);

export function buildCostReport(input: { usage: AwsUsage; confirmedOrders: number; routeFunctions: ReadonlySet<string>; cdn: CdnUsage }): CostReport {
  const { usage, confirmedOrders } = input;
  const per = (value: number) => (confirmedOrders > 0 ? value / confirmedOrders : 0);
  const lambda: CostReport["perOrder"]["lambda"] = {};
  let invocations = 0;
  let gbSeconds = 0;
  let apiRequests = 0;
  let measuredLogBytes = 0;
  for (const [name, fn] of Object.entries(usage.functions)) {
    if (fn.invocations === 0) continue;
    // What one invocation takes alone (median of the solo ones), as on Lambda where each has its
    // own container; the contended local wall time only when the function never ran alone.
    const msEach = fn.soloMs.length ? median(fn.soloMs) : fn.contendedMs / fn.invocations;
    const seconds = ((fn.invocations * msEach) / 1000) * (fn.memoryMb / 1024);
    lambda[name] = {
      invocations: per(fn.invocations),
      gbSeconds: per(seconds),
      memoryMb: fn.memoryMb,
      billedMsPerInvocation: Math.round(msEach),
      durationFrom: fn.soloMs.length ? "solo invocations" : "contended wall time",
    };
    invocations += fn.invocations;
    gbSeconds += seconds;
    measuredLogBytes += fn.logBytes;
    if (input.routeFunctions.has(name)) apiRequests += fn.invocations;
  }
  let rru = 0;
  let wru = 0;
  let localReportedUnits = 0;
  const byTable: CostReport["perOrder"]["dynamodb"]["byTable"] = {};
  for (const [table, t] of Object.entries(usage.dynamodb.tables)) {
    rru += t.rru;
    wru += t.wru;
    localReportedUnits += t.localReportedUnits;
    byTable[table] = { rru: per(t.rru), wru: per(t.wru) };
  }
  const awsRequests: Record<string, number> = {};
  for (const [service, operations] of Object.entries(usage.requests)) {
    awsRequests[service] = per(Object.values(operations).reduce((sum, n) => sum + n, 0));
  }
  const requestsOf = (service: string) => Object.values(usage.requests[service] ?? {}).reduce((sum, n) => sum + n, 0);
  const sesEmails = (usage.requests.SESv2?.SendEmail ?? 0) + (usage.requests.SES?.SendEmail ?? 0) + (usage.requests.SES?.SendRawEmail ?? 0);
  const modelledLog = invocations * modelledLogBytes.lambdaPlatformPerInvocation + apiRequests * modelledLogBytes.apiAccessLogPerRequest;
  const p = priceTable;
  const million = 1_000_000;
  const dollars = {
    apiGateway: (apiRequests * p.apiGateway.perMillionRequests) / million,
    lambdaRequests: (invocations * p.lambda.perMillionRequests) / million,
    lambdaDuration: gbSeconds * p.lambda.perGbSecondArm64,
    dynamodbWrites: (wru * p.dynamodb.perMillionWriteRequestUnits) / million,
    dynamodbReads: (rru * p.dynamodb.perMillionReadRequestUnits) / million,
    sqs: (requestsOf("SQS") * p.sqs.perMillionRequests) / million,
    eventBridge: (usage.eventBridgeEvents * p.eventBridge.perMillionEvents) / million,
    ses: (sesEmails * p.ses.perThousandEmails) / 1000,
    logs: ((measuredLogBytes + modelledLog) / 2 ** 30) * p.cloudWatchLogs.perGbIngested,
    cdnRequests: (input.cdn.requests * p.cloudFront.perMillionRequests) / million,
    cdnDataOut: (input.cdn.bytesOut / 2 ** 30) * p.cloudFront.perGbOut,
  };
  const perMillion = Object.fromEntries(Object.entries(dollars).map(([line, value]) => [line, round(per(value) * million)])) as Record<keyof typeof dollars, number>;
  const backEnd = round(
    perMillion.apiGateway + perMillion.lambdaRequests + perMillion.lambdaDuration + perMillion.dynamodbWrites + perMillion.dynamodbReads + perMillion.sqs + perMillion.eventBridge + perMillion.ses + perMillion.logs,
  );
  return {
    confirmedOrders,
    perOrder: {
      apiRequests: per(apiRequests),
      lambda,
      lambdaInvocations: per(invocations),
      lambdaGbSeconds: per(gbSeconds),
      dynamodb: { rru: per(rru), wru: per(wru), localReportedUnits: per(localReportedUnits), byTable },
      awsRequests,
      eventBridgeEvents: per(usage.eventBridgeEvents),
      logBytes: { measured: per(measuredLogBytes), modelled: per(modelledLog) },
      cdn: { requests: per(input.cdn.requests), bytesOut: per(input.cdn.bytesOut) },
    },
    dollarsPerMillionOrders: { ...perMillion, backEnd, storefrontCdn: round(perMillion.cdnRequests + perMillion.cdnDataOut) },
    unpriced: Object.keys(usage.requests).filter((service) => !PRICED_SERVICES.has(service)),
    meterErrorCount: usage.meterErrorCount,
    meterErrors: usage.meterErrors,
    prices: priceTable,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function formatCostReport(report: CostReport): string {
  const o = report.perOrder;
  const d = report.dollarsPerMillionOrders as Record<string, number>;
  const $ = (...lines: string[]) => lines.reduce((sum, line) => sum + (d[line] ?? 0), 0).toFixed(2);
  const n = (value: number, digits = 2) => value.toFixed(digits);
  const lines = [
    `Cost per confirmed order (${report.confirmedOrders} confirmed; AWS ${report.prices.region} list prices checked ${report.prices.checkedOn})`,
    `  API requests          ${n(o.apiRequests)}                                  $${$("apiGateway")} per 1M orders`,
    `  Lambda                ${n(o.lambdaInvocations)} invocations, ${n(o.lambdaGbSeconds, 3)} GB-s         $${$("lambdaRequests", "lambdaDuration")}`,
    ...Object.entries(o.lambda)
      .sort(([, a], [, b]) => b.gbSeconds - a.gbSeconds)
      .map(([name, fn]) => `    ${name.padEnd(30)} ${n(fn.invocations)} × ${fn.memoryMb} MB × ${fn.billedMsPerInvocation} ms (${fn.durationFrom}) = ${n(fn.gbSeconds, 4)} GB-s`),
    `  DynamoDB              ${n(o.dynamodb.wru)} WRU, ${n(o.dynamodb.rru)} RRU (DynamoDB Local reported ${n(o.dynamodb.localReportedUnits)} units)   $${$("dynamodbWrites", "dynamodbReads")}`,
    ...Object.entries(o.dynamodb.byTable).map(([table, t]) => `    ${table.padEnd(42)} ${n(t.wru)} WRU, ${n(t.rru)} RRU`),
    `  other AWS requests    ${Object.entries(o.awsRequests).filter(([service]) => service !== "DynamoDB").map(([service, count]) => `${service} ${n(count)}`).join(", ") || "none"}   SQS $${$("sqs")}, EventBridge $${$("eventBridge")} (${n(o.eventBridgeEvents)} events), SES $${$("ses")}`,
    `  log bytes             ${n(o.logBytes.measured, 0)} measured + ${n(o.logBytes.modelled, 0)} modelled (Lambda platform lines, API access log)   $${$("logs")}`,
    `  back end              $${$("backEnd")} per 1M orders`,
    `  catalog via CDN       ${n(o.cdn.requests)} requests, ${n(o.cdn.bytesOut / 1024, 1)} KB out   $${$("storefrontCdn")} per 1M orders`,
    ...(report.unpriced.length ? [`  not priced (counted only): ${report.unpriced.join(", ")}`] : []),
    ...(report.meterErrorCount ? [`  requests the meter could not bill: ${report.meterErrorCount} (see meterErrors in the JSON report)`] : []),
  ];
  return lines.join("\n");
}
