// True once the page runs in the browser: lets a component that depends on browser storage
// render a neutral placeholder on the server instead of a misleading "empty" state.
import { useSyncExternalStore } from "react";

const noop = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
