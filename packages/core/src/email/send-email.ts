// Sends one transactional email through Amazon SES v2 (SendEmail with Simple content: a plain
// text and an HTML body, UTF-8). Locally the same client reaches the embedded SES through
// AWS_ENDPOINT_URL_SESV2. SES has no idempotency key: callers that must send once per event
// record the send themselves.
import { SendEmailCommand, type SESv2Client } from "@aws-sdk/client-sesv2";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export async function sendEmail(deps: { ses: SESv2Client; from: string }, message: EmailMessage): Promise<{ messageId: string }> {
  const charset = "UTF-8";
  const result = await deps.ses.send(
    new SendEmailCommand({
      FromEmailAddress: deps.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: charset },
          Body: { Text: { Data: message.text, Charset: charset }, Html: { Data: message.html, Charset: charset } },
        },
      },
    }),
  );
  if (!result.MessageId) throw new Error("SES accepted the email but returned no MessageId.");
  return { messageId: result.MessageId };
}
