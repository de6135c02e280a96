// The SES identity transactional email is sent from (sst.aws.Email, with its configuration set),
// declared in infra/topology.ts as `email`. The sender is a deploy-time setting: an address of a
// domain you control, which SES verifies (it mails a link) before the stage can send from it.
import { email } from "../topology";

export function createEmail(): sst.aws.Email {
  const sender = process.env[email.senderEnv]?.trim();
  if (!sender || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(sender)) {
    throw new Error(
      `Set ${email.senderEnv} to the address this stage sends order emails from (e.g. orders@shop.example.com in .env.<stage>); got ${JSON.stringify(sender ?? "")}.`,
    );
  }
  return new sst.aws.Email(email.resource, { sender });
}
