// The examples of AWS's EventBridge User Guide, "Creating Amazon EventBridge event patterns",
// "Arrays in Amazon EventBridge event patterns", "Matching null values and empty strings" and
// "Comparison operators for use in event patterns" / "Content filtering in Amazon EventBridge
// event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// and eb-create-pattern-operators.html), each with events it must and must not match.
import { describe, expect, it } from "vitest";
import { InvalidEventPatternError, matchesEventPattern, validateEventPattern, type EventPattern } from "./event-pattern";

const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};
const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

interface Example {
  name: string;
  pattern: EventPattern;
  matches: unknown[];
  misses: unknown[];
}

const examples: Example[] = [
  {
    name: "fields AND, values OR, nested (EC2 instance-termination)",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["terminated"] } },
    matches: [ec2Event],
    misses: [withDetail({ state: "running" }), { ...ec2Event, source: "aws.fargate" }, { ...ec2Event, detail: undefined }],
  },
  {
    name: "several values for one field",
    pattern: { source: ["aws.ec2", "aws.fargate"] },
    matches: [ec2Event, { ...ec2Event, source: "aws.fargate" }],
    misses: [{ ...ec2Event, source: "aws.s3" }],
  },
  {
    name: "exact matching is character by character, no case folding",
    pattern: { detail: { state: ["terminated"] } },
    matches: [ec2Event],
    misses: [withDetail({ state: "Terminated" }), withDetail({ state: "terminated " })],
  },
  {
    name: "numbers and nested values (Macie: risk-score 80 and trigger risk 8)",
    pattern: { source: ["aws.macie"], "detail-type": ["Macie Alert"], detail: { "risk-score": [80], trigger: { risk: [8] } } },
    matches: [{ source: "aws.macie", "detail-type": "Macie Alert", detail: { "risk-score": 80, trigger: { "alert-type": "basic", risk: 8 } } }],
    misses: [{ source: "aws.macie", "detail-type": "Macie Alert", detail: { "risk-score": 80, trigger: { risk: 9 } } }, { source: "aws.macie", "detail-type": "Macie Alert", detail: { "risk-score": "80", trigger: { risk: 8 } } }],
  },
  {
    name: "arrays: an event array matches when it intersects the pattern's values",
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    },
    matches: [
      {
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      },
    ],
    misses: [{ resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] }, { resources: [] }],
  },
  {
    name: "null values (Auto Scaling responseElements)",
    pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance Launch Successful"], detail: { responseElements: [null] } },
    matches: [{ source: "aws.autoscaling", "detail-type": "EC2 Instance Launch Successful", detail: { eventVersion: "", responseElements: null } }],
    misses: [
      { source: "aws.autoscaling", "detail-type": "EC2 Instance Launch Successful", detail: { eventVersion: "" } },
      { source: "aws.autoscaling", "detail-type": "EC2 Instance Launch Successful", detail: { responseElements: "null" } },
    ],
  },
  {
    name: "empty strings",
    pattern: { detail: { eventVersion: [""] } },
    matches: [withDetail({ eventVersion: "" })],
    misses: [withDetail({ eventVersion: "1" }), withDetail({ eventVersion: null }), withDetail({})],
  },
  {
    name: "prefix",
    pattern: { time: [{ prefix: "2017-10-02" }] },
    matches: [{ time: "2017-10-02T18:43:48Z" }],
    misses: [{ time: "2017-10-03T18:43:48Z" }, { time: "x2017-10-02" }, {}],
  },
  {
    name: "prefix ignoring case",
    pattern: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] },
    matches: [{ service: "EventBridge" }, { service: "EVENTBRIDGE" }, { service: "eventb" }],
    misses: [{ service: "Eventing" }],
  },
  {
    name: "suffix",
    pattern: { FileName: [{ suffix: ".png" }] },
    matches: [{ FileName: "image.png" }],
    misses: [{ FileName: "image.PNG" }, { FileName: "image.png.txt" }],
  },
  {
    name: "suffix ignoring case",
    pattern: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] },
    matches: [{ FileName: "image.png" }, { FileName: "image.PNG" }, { FileName: "image.Png" }],
    misses: [{ FileName: "image.gif" }],
  },
  {
    name: "anything-but a string",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "initializing" }), withDetail({})],
  },
  {
    name: "anything-but a number",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    matches: [withDetail({ "x-limit": 124 })],
    misses: [withDetail({ "x-limit": 123 })],
  },
  {
    name: "anything-but a list of strings",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "stopped" }), withDetail({ state: "overloaded" })],
  },
  {
    name: "anything-but a list of numbers",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    matches: [withDetail({ "x-limit": 150 })],
    misses: [withDetail({ "x-limit": 200 })],
  },
  {
    name: "anything-but a prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "initializing" })],
  },
  {
    name: "anything-but a suffix",
    pattern: { FileName: [{ "anything-but": { suffix: ".txt" } }] },
    matches: [{ FileName: "notes.md" }],
    misses: [{ FileName: "notes.txt" }],
  },
  {
    name: "anything-but ignoring case",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "STOPPED" }), withDetail({ state: "overloaded" })],
  },
  {
    name: "anything-but a wildcard",
    pattern: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
    matches: [{ FilePath: "/usr/bin/node" }],
    misses: [{ FilePath: "/usr/lib/node" }],
  },
  {
    name: "equals-ignore-case",
    pattern: { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] },
    matches: [ec2Event, { "detail-type": "EC2 INSTANCE STATE-CHANGE NOTIFICATION" }],
    misses: [{ "detail-type": "EC2 Instance State-change" }],
  },
  {
    name: "wildcard",
    pattern: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
    matches: [{ EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/default" }],
    misses: [{ EventBusArn: "arn:aws:events:us-west-2:123456789012:event-bus/default" }],
  },
  {
    name: "wildcard: a star matches nothing too, an escaped star is a star",
    pattern: { path: [{ wildcard: "dir/*.png" }], literal: [{ wildcard: "a\\*b" }] },
    matches: [{ path: "dir/.png", literal: "a*b" }, { path: "dir/sub/x.png", literal: "a*b" }],
    misses: [{ path: "dir/x.png", literal: "axb" }],
  },
  {
    name: "numeric ranges, all conditions of a field",
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }], "x-limit": [{ numeric: ["=", 3.018e2] }] } },
    matches: [withDetail({ "c-count": 5, "d-count": 9.5, "x-limit": 301.8 })],
    misses: [
      withDetail({ "c-count": 0, "d-count": 9, "x-limit": 301.8 }),
      withDetail({ "c-count": 6, "d-count": 9, "x-limit": 301.8 }),
      withDetail({ "c-count": 3, "d-count": 10, "x-limit": 301.8 }),
      withDetail({ "c-count": "3", "d-count": 9, "x-limit": 301.8 }),
    ],
  },
  {
    name: "IP address (cidr), IPv4",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    matches: [withDetail({ sourceIPAddress: "10.0.0.255" }), withDetail({ sourceIPAddress: "10.0.0.0" })],
    misses: [withDetail({ sourceIPAddress: "10.0.1.0" }), withDetail({ sourceIPAddress: "not an ip" })],
  },
  {
    name: "IP address (cidr), IPv6",
    pattern: { sourceIPAddress: [{ cidr: "2001:db8::/32" }] },
    matches: [{ sourceIPAddress: "2001:db8:1234::1" }],
    misses: [{ sourceIPAddress: "2001:db9::1" }, { sourceIPAddress: "10.0.0.1" }],
  },
  {
    name: "exists: false (also when the field holds an object: exists works on leaves)",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    matches: [
      { "detail-type": "EC2 Instance State-change Notification", detail: { state: ["initializing", "running"] } },
      { "detail-type": "EC2 Instance State-change Notification", detail: { state: ["initializing", "running"], "c-count": { c1: 100 } } },
    ],
    misses: [withDetail({ "c-count": 3 })],
  },
  {
    name: "exists: true",
    pattern: { detail: { state: [{ exists: true }] } },
    matches: [ec2Event],
    misses: [withDetail({ "instance-id": "i-1" })],
  },
  {
    name: "complex example with multiple matching",
    pattern: {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
      },
    },
    matches: [{ time: "2017-10-02T00:00:00Z", detail: { state: "running", "c-count": 1, "d-count": 2, "x-limit": 150 } }],
    misses: [{ time: "2017-10-02T00:00:00Z", detail: { state: "running", "c-count": 1, "d-count": 2, "x-limit": 200 } }],
  },
  {
    name: "$or at the top level",
    pattern: { $or: [{ "detail-type": ["EC2 Instance State-change Notification"] }, { source: ["aws.fargate"] }] },
    matches: [ec2Event, { source: "aws.fargate" }],
    misses: [{ source: "aws.s3", "detail-type": "Object Created" }],
  },
  {
    name: "$or nested, with numeric conditions",
    pattern: {
      detail: {
        $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }, { "x-limit": [{ numeric: [">", 0, "<=", 300] }] }],
      },
    },
    matches: [withDetail({ "c-count": 3 }), withDetail({ "d-count": 1 }), withDetail({ "x-limit": 300 })],
    misses: [withDetail({ "c-count": 6, "d-count": 10, "x-limit": 301 })],
  },
  {
    name: "the bus's own use: source and detail-type of an order event",
    pattern: { source: ["shopwave.orders"], "detail-type": ["OrderConfirmed", "OrderCancelled", "OrderRefunded"] },
    matches: [{ source: "shopwave.orders", "detail-type": "OrderConfirmed", detail: { orderId: "ord_1" } }],
    misses: [{ source: "shopwave.orders", "detail-type": "OrderPlaced" }, { source: "shopwave.other", "detail-type": "OrderConfirmed" }],
  },
];

describe("matchesEventPattern on AWS's documented examples", () => {
  for (const example of examples) {
    it(example.name, () => {
      validateEventPattern(example.pattern);
      for (const event of example.matches) expect(matchesEventPattern(example.pattern, event), `should match ${JSON.stringify(event)}`).toBe(true);
      for (const event of example.misses) expect(matchesEventPattern(example.pattern, event), `should not match ${JSON.stringify(event)}`).toBe(false);
    });
  }

  it("applies a nested pattern to any object of an array", () => {
    const pattern = { detail: { items: { productId: ["p2"] } } };
    expect(matchesEventPattern(pattern, withDetail({ items: [{ productId: "p1" }, { productId: "p2" }] }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ items: [{ productId: "p1" }] }))).toBe(false);
  });
});

describe("validateEventPattern refuses what PutRule refuses", () => {
  it.each([
    ["not an object", ["aws.ec2"]],
    ["a leaf that is not an array", { source: "aws.ec2" }],
    ["an empty array", { source: [] }],
    ["an unknown operator", { source: [{ startsWith: "aws." }] }],
    ["two operators in one matcher", { source: [{ prefix: "a", suffix: "b" }] }],
    ["a numeric range without numbers", { n: [{ numeric: [">", "0"] }] }],
    ["a numeric range with an odd length", { n: [{ numeric: [">", 0, "<"] }] }],
    ["exists that is not a boolean", { n: [{ exists: "yes" }] }],
    ["anything-but mixing strings and numbers", { n: [{ "anything-but": ["a", 1] }] }],
    ["$or with one alternative", { $or: [{ source: ["a"] }] }],
    ["consecutive wildcards", { n: [{ wildcard: "a**b" }] }],
  ])("%s", (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).toThrow(InvalidEventPatternError);
  });
});
