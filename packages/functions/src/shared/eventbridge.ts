// The EventBridge client, created once per container. Locally AWS_ENDPOINT_URL_EVENTBRIDGE (read by
// the SDK itself) points it at the local stack's bus.
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";

export const eventBridgeClient = new EventBridgeClient({});
