// The DynamoDB document client, created once per container and reused across invocations.
// Locally, AWS_ENDPOINT_URL_DYNAMODB (read by the SDK itself) points it at the local stack.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export const dynamoDbClient = new DynamoDBClient({});
export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
