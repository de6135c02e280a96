// The sign-in issuer's entry point: the Lambda handler the stage's issuer function runs, and `issuerApp()` the
// local stack serves over HTTP (the same app). OpenAuth's storage comes from OPENAUTH_STORAGE,
// which sst.aws.Auth (infra/aws/auth.ts) sets to the stage's table and the local stack to DynamoDB Local's; codes go out
// through the shop's one mail path (SES v2), customers and codes live in the accounts table.
import { handle } from "hono/aws-lambda";
import type { Hono } from "hono";
import { Resource } from "sst";
import { SIGN_IN_CODE } from "@shopwave/core/accounts/sign-in-code";
import { signInCodeEmail } from "@shopwave/core/accounts/sign-in-email";
import type { AccountsStore } from "@shopwave/core/accounts/sign-in-code";
import { sendEmail } from "@shopwave/core/email/send-email";
import { documentClient } from "../shared/dynamodb";
import { emailSender, sesClient } from "../shared/email";
import { settings } from "../shared/settings";
import { createIssuerApp } from "./issuer-app";

const accounts: AccountsStore = {
  db: documentClient,
  tables: {
    get accounts() {
      return Resource.AccountsTable.name;
    },
    get rateLimits() {
      return Resource.RateLimitsTable.name;
    },
  },
};

let app: Hono | undefined;

export function issuerApp(): Hono {
  app ??= createIssuerApp({
    accounts,
    storefrontUrl: settings.storefrontUrl(),
    operatorEmails: settings.operatorEmails(),
    // Set locally (the one origin tokens name); on AWS the function URL or domain is the only one.
    ...(process.env.AUTH_ISSUER_URL ? { issuerUrl: process.env.AUTH_ISSUER_URL } : {}),
    async sendCode(email, code) {
      await sendEmail({ ses: sesClient, from: emailSender() }, signInCodeEmail(email, code, SIGN_IN_CODE.ttlSeconds / 60));
    },
  });
  return app;
}

export const handler: ReturnType<typeof handle> = (event, context) => handle(issuerApp())(event, context);
