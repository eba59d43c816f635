"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

/**
 * Returns a function that asks for a refetch of `queryKey`. Calls that arrive while a refetch
 * is waiting or in flight are coalesced into one more refetch afterwards, so a burst of events
 * never cancels fetches forever (a plain debounced invalidate can starve a slow server) and the
 * last event is always followed by a fresh read.
 */
export function useCoalescedRefetch(queryKey: QueryKey, delayMs = 100): () => void {
  const queryClient = useQueryClient();
  const keyRef = useRef(queryKey);
  useEffect(() => {
    keyRef.current = queryKey;
  });
  const state = useRef({
    isScheduled: false,
    isFetching: false,
    isDirty: false,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
    isDisposed: false,
  });

  useEffect(() => {
    const s = state.current;
    s.isDisposed = false;
    return () => {
      s.isDisposed = true;
      clearTimeout(s.timer);
    };
  }, []);

  const run = useCallback(async () => {
    const s = state.current;
    s.isScheduled = false;
    s.isFetching = true;
    s.isDirty = false;
    try {
      await queryClient.refetchQueries({ queryKey: keyRef.current, exact: true }, { cancelRefetch: false });
    } finally {
      s.isFetching = false;
      if (s.isDirty && !s.isDisposed) {
        s.isScheduled = true;
        s.timer = setTimeout(run, delayMs);
      }
    }
  }, [queryClient, delayMs]);

  return useCallback(() => {
    const s = state.current;
    if (s.isDisposed) return;
    if (s.isScheduled || s.isFetching) {
      s.isDirty = true;
      return;
    }
    s.isScheduled = true;
    s.timer = setTimeout(run, delayMs);
  }, [run, delayMs]);
}
