"use client";
// Dead letters in the console: each DLQ with its depth; a queue's parked messages (looked at in
// place: each look counts as a receive); redrive one, delete one (with a reason), or redrive all,
// each after a confirmation.
import { useCallback, useEffect, useState } from "react";
import type { DeadLetter, DeadLetterQueue } from "../../lib/admin-api";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

export function DeadLettersConsole() {
  const api = useAdminApi();
  const [queues, setQueues] = useState<DeadLetterQueue[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [messages, setMessages] = useState<DeadLetter[]>([]);
  const [confirm, setConfirm] = useState<{ what: string; run: () => Promise<unknown> } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      setQueues((await api.deadLetterQueues()).queues);
      if (open) setMessages((await api.deadLetters(open)).messages);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [api, open]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function run(action: { what: string; run: () => Promise<unknown> }) {
    try {
      await action.run();
      setNote(`${action.what}: done.`);
    } catch (failure) {
      setNote(`${action.what}: ${(failure as Error).message}`);
    }
    setConfirm(null);
    await refresh();
  }

  if (isRefusal(error)) return <Refused />;
  return (
    <section>
      <h1>Dead letters</h1>
      {error ? <p role="alert">{(error as Error).message}</p> : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Source</th>
            <th>Depth</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => (
            <tr key={queue.resource}>
              <td>{queue.resource}</td>
              <td>{queue.source}</td>
              <td data-testid={`depth-${queue.resource}`}>{queue.depth}</td>
              <td>
                <button className="button" type="button" onClick={() => setOpen(queue.resource)}>
                  Inspect
                </button>{" "}
                <button className="button" type="button" disabled={queue.depth === 0} onClick={() => setConfirm({ what: `Redrive all of ${queue.resource}`, run: () => api.redriveAll(queue.resource) })}>
                  Redrive all…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirm ? (
        <p role="alertdialog" aria-label="Confirm">
          {confirm.what}?{" "}
          <button className="button button-primary" type="button" onClick={() => void run(confirm)}>
            Confirm
          </button>{" "}
          <button className="button" type="button" onClick={() => setConfirm(null)}>
            Back
          </button>
        </p>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
      {open ? (
        <>
          <h2>{open}</h2>
          {messages.length === 0 ? <p className="muted">Nothing parked.</p> : null}
          {messages.map((message) => (
            <article key={message.messageId} className="admin-message">
              <p className="mono">
                {message.messageId} · received {message.receiveCount}× · first failed {message.firstReceivedAt ?? "?"}
              </p>
              <p className="mono">{Object.entries(message.messageAttributes).map(([name, value]) => `${name}=${value}`).join(" ")}</p>
              <pre className="mono">{message.body.slice(0, 2000)}</pre>
              <button className="button" type="button" onClick={() => setConfirm({ what: `Redrive ${message.messageId}`, run: () => api.redrive(open, message.messageId) })}>
                Redrive…
              </button>{" "}
              <button
                className="button"
                type="button"
                onClick={() => {
                  const reason = window.prompt("Why delete this message for good?");
                  if (reason) setConfirm({ what: `Delete ${message.messageId}`, run: () => api.deleteDeadLetter(open, message.messageId, reason) });
                }}
              >
                Delete…
              </button>
            </article>
          ))}
        </>
      ) : null}
    </section>
  );
}
