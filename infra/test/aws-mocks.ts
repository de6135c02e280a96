// Pulumi unit-test mocks for the AWS resources and data sources SST components use: each resource
// gets the identifiers AWS would give it (ARNs, URLs, endpoints) derived from its logical name,
// and the few data sources return fixed account facts, or, for IAM policy documents, the JSON
// document the real provider would render, so IAM policies can be inspected.

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";

export interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, any>;
  id?: string;
}

export interface MockCallArgs {
  token: string;
  inputs: Record<string, any>;
}

function outputsFor(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const physical = typeof inputs.name === "string" ? inputs.name : name;
  switch (type) {
    case "aws:dynamodb/table:Table": {
      const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${physical}`;
      return { name: physical, arn, ...(inputs.streamEnabled ? { streamArn: `${arn}/stream/2030-01-01T00:00:00.000` } : {}) };
    }
    case "aws:cloudwatch/eventBus:EventBus":
      return { name: physical, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${physical}` };
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${inputs.eventBusName}/${physical}` };
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`;
      return { name: physical, arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${physical}`, url, id: url };
    }
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${physical}`;
      return {
        name: physical,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        version: "$LATEST",
      };
    }
    case "aws:lambda/functionUrl:FunctionUrl":
      return { functionUrl: `https://${name.toLowerCase()}.lambda-url.${REGION}.on.aws/`, urlId: name.toLowerCase() };
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.alloc(Number(inputs.length ?? 32), 7).toString("base64") };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}` };
    case "aws:apigatewayv2/api:Api":
      return {
        apiEndpoint: `https://${name.toLowerCase()}.execute-api.${REGION}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${name}`,
        arn: `arn:aws:apigateway:${REGION}::/apis/${name}`,
      };
    case "aws:cloudfront/distribution:Distribution":
      return { domainName: `${name.toLowerCase()}.cloudfront.net`, arn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${name}` };
    case "aws:sns/topic:Topic":
      return { name: physical, arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${physical}` };
    case "aws:sesv2/emailIdentity:EmailIdentity":
      return { arn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/${inputs.emailIdentity}` };
    case "aws:sesv2/configurationSet:ConfigurationSet":
      return { arn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:configuration-set/${inputs.configurationSetName}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${physical}` };
    case "aws:s3/bucketV2:BucketV2":
    case "aws:s3/bucket:Bucket":
      return { bucket: inputs.bucket ?? name, arn: `arn:aws:s3:::${inputs.bucket ?? name}`, bucketRegionalDomainName: `${name}.s3.${REGION}.amazonaws.com` };
    default:
      return { arn: `arn:aws:mock:${REGION}:${ACCOUNT_ID}:${type.replace(/[^a-zA-Z0-9]/g, "-")}/${name}` };
  }
}

export function mockResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> } {
  const state = { ...args.inputs, ...outputsFor(args.type, args.name, args.inputs) };
  return { id: typeof state.id === "string" ? state.id : `${args.name}-id`, state };
}

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** The document aws.iam.getPolicyDocument renders from its statements. */
export function policyDocument(statements: readonly PolicyStatementInput[]) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({
      ...(statement.sid ? { Sid: statement.sid } : {}),
      Effect: statement.effect ?? "Allow",
      ...(statement.actions ? { Action: statement.actions } : {}),
      ...(statement.resources ? { Resource: statement.resources } : {}),
      ...(statement.principals
        ? { Principal: Object.fromEntries(statement.principals.map((principal) => [principal.type, principal.identifiers])) }
        : {}),
      ...(statement.conditions
        ? {
            Condition: Object.fromEntries(
              statement.conditions.map((condition) => [condition.test, { [condition.variable]: condition.values }]),
            ),
          }
        : {}),
    })),
  };
}

/** undefined: a data source these mocks do not know (the runner records it; tests fail on it). */
export function mockCall(args: MockCallArgs): Record<string, unknown> | undefined {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`, userId: "TEST", id: ACCOUNT_ID };
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const statements = (args.inputs.statements ?? []) as PolicyStatementInput[];
      return { json: JSON.stringify(policyDocument(statements)), statements, id: "policy" };
    }
    default:
      return undefined;
  }
}
