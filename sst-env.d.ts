/* Types of the resources SST links to our functions (`Resource.<Name>`). SST regenerates this
   file on `sst dev`/`sst deploy`; the local stack provides the same names as SST_RESOURCE_* env. */
import "sst";
declare module "sst" {
  export interface Resource {
    IdempotencyTable: { name: string; type: "sst.aws.Dynamo" };
    OrderEventsQueue: { url: string; type: "sst.aws.Queue" };
    OrdersTable: { name: string; type: "sst.aws.Dynamo" };
    ProductsTable: { name: string; type: "sst.aws.Dynamo" };
    RateLimitsTable: { name: string; type: "sst.aws.Dynamo" };
    StripeSecretKey: { value: string; type: "sst.sst.Secret" };
    StripeWebhookSecret: { value: string; type: "sst.sst.Secret" };
  }
}
export {};
