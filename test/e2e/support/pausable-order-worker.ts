// The order-events worker of the journeys' stack, behind a switch a test can flip from its
// worker process: POST {controlUrl}/pause stops the queue's poller (waiting for what it holds to
// finish), POST {controlUrl}/resume starts it again. The dead-letter journey pauses it so a
// genuine payment event can be parked in the DLQ the way a failing worker would park it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startOrderEventsPoller } from "@shopwave/local/stack/order-events-poller";
import type { TestStack } from "../../support/test-stack";

export interface PausableOrderWorker {
  controlUrl: string;
  stop(): Promise<void>;
}

export async function startPausableOrderWorker(t: TestStack, concurrency = 2): Promise<PausableOrderWorker> {
  const start = () =>
    startOrderEventsPoller({ client: t.sqs, queueUrl: t.stack.queueUrls.orderEvents, queueArn: t.stack.queueArns.orderEvents, concurrency });
  let poller: Awaited<ReturnType<typeof start>> | null = await start();
  // One switch at a time: a pause racing a resume must not leave two pollers or none.
  let switching = Promise.resolve();
  const switchTo = (running: boolean) =>
    (switching = switching.then(async () => {
      if (!running && poller) {
        await poller.stop();
        poller = null;
      } else if (running && !poller) {
        poller = await start();
      }
    }));

  const control = createServer((request, response) => {
    if (request.method === "POST" && (request.url === "/pause" || request.url === "/resume")) {
      switchTo(request.url === "/resume").then(
        () => response.writeHead(204).end(),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
      return;
    }
    response.writeHead(404).end();
  });
  const port = await new Promise<number>((resolve) => control.listen(0, "127.0.0.1", () => resolve((control.address() as AddressInfo).port)));
  return {
    controlUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise((resolve) => control.close(resolve));
      await switchTo(false);
    },
  };
}
