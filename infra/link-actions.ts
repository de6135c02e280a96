// What a function linked to a table, a queue or the email identity may do (infra/aws/permissions.ts
// grants it on the linked resource alone). SST's built-in links grant `dynamodb:*`, `sqs:*` and
// `ses:*`; Shopwave's functions only read and write items, send messages and send email.

/** Item-level data access, including the condition checks inside TransactWriteItems. */
export const tableDataActions = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** Producing to a queue. Consuming is granted to the worker by its subscription, not by a link. */
export const queueSendActions = ["sqs:SendMessage"] as const;

/** Publishing to the linked event bus. Rules and targets are the program's, not the functions'. */
export const busPublishActions = ["events:PutEvents"] as const;

/** Sending email from the linked SES identity (SES v2 SendEmail authorizes as `ses:SendEmail`). */
export const emailSendActions = ["ses:SendEmail"] as const;
