// The SQS client, created once per container. Locally AWS_ENDPOINT_URL_SQS points it at the local stack.
import { SQSClient } from "@aws-sdk/client-sqs";

export const sqsClient = new SQSClient({});
