"use client";
// Hands the API's base URL (read on the server at request time) to client components, so the
// browser bundle holds no environment-specific constant.
import { createContext, useContext, type ReactNode } from "react";

const ApiUrlContext = createContext<string | null>(null);

export function ApiUrlProvider({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  return <ApiUrlContext value={apiUrl}>{children}</ApiUrlContext>;
}

export function useApiUrl(): string {
  const apiUrl = useContext(ApiUrlContext);
  if (!apiUrl) throw new Error("useApiUrl must be used inside <ApiUrlProvider>.");
  return apiUrl;
}
