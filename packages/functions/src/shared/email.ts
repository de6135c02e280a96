// The SES v2 client, created once per container, and the sender address: the linked SES identity
// (`Resource.Email.sender`, sst.aws.Email on AWS, the local stack's sender locally). Locally
// AWS_ENDPOINT_URL_SESV2 (read by the SDK itself) points the client at the embedded SES.
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { Resource } from "sst";

export const sesClient = new SESv2Client({});

/** Read on use, so a handler not linked to the identity never touches its binding. */
export function emailSender(): string {
  return Resource.Email.sender;
}
