"use client";
// The audit log in the console: newest first, filtered by operator or target, page by page.
import { useCallback, useEffect, useState } from "react";
import type { AuditEntry } from "../../lib/admin-api";
import { isRefusal, Refused, useAdminApi } from "./operator-gate";

export function AuditConsole() {
  const api = useAdminApi();
  const [filter, setFilter] = useState<{ kind: "operatorId" | "target"; value: string }>({ kind: "target", value: "" });
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    async (next?: string) => {
      try {
        const page = await api.audit({ ...(filter.value ? { [filter.kind]: filter.value } : {}), cursor: next });
        setEntries((current) => (next ? [...current, ...page.entries] : page.entries));
        setCursor(page.nextCursor);
        setError(null);
      } catch (failure) {
        setError(failure);
      }
    },
    [api, filter],
  );
  useEffect(() => {
    void load();
  }, [load]);
  if (isRefusal(error)) return <Refused />;
  return (
    <section>
      <h1>Audit log</h1>
      <div className="admin-filters">
        <select value={filter.kind} onChange={(event) => setFilter({ ...filter, kind: event.target.value as "operatorId" | "target" })} aria-label="Filter by">
          <option value="target">Target (order:ord_…, product:…, queue:…)</option>
          <option value="operatorId">Operator id</option>
        </select>
        <input aria-label="Filter value" defaultValue={filter.value} onBlur={(event) => setFilter({ ...filter, value: event.target.value.trim() })} />
      </div>
      {error ? <p role="alert">{(error as Error).message}</p> : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Operator</th>
            <th>Action</th>
            <th>Target</th>
            <th>Result</th>
            <th>Before → after</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{new Date(entry.at).toLocaleString()}</td>
              <td>{entry.operatorEmail}</td>
              <td>{entry.action}</td>
              <td className="mono">{entry.target}</td>
              <td>
                {entry.result}
                {entry.error ? `: ${entry.error}` : ""}
              </td>
              <td className="mono">
                {JSON.stringify(entry.before ?? null)} → {JSON.stringify(entry.after ?? null)}
                {entry.reason ? ` (“${entry.reason}”)` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor ? (
        <button className="button" type="button" onClick={() => void load(cursor)}>
          More
        </button>
      ) : null}
    </section>
  );
}
