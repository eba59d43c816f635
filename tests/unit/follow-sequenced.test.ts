import { describe, expect, it } from "vitest";
import type { EventBus, Listener, Sequenced } from "../../lib/events/bus";
import { followSequenced, type Sink } from "../../lib/events/sse";

/** A bus whose subscription Redis confirms only when the test says so; publishing reaches listeners only once it has. */
function slowBus() {
  const listeners = new Set<Listener<Sequenced>>();
  let confirmed = false;
  let confirm!: () => void;
  const listening = new Promise<void>((r) => (confirm = r));
  const bus = {
    subscribe: (_key: string, l: Listener<Sequenced>) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    isListening: () => confirmed,
    whenListening: () => listening,
  } as unknown as EventBus<Sequenced>;
  return {
    bus,
    confirm: () => {
      confirmed = true;
      confirm();
    },
    publish: (e: Sequenced) => {
      if (confirmed) for (const l of listeners) l.onEvents([e], new Uint8Array());
    },
  };
}

function collectingSink() {
  const ids: number[] = [];
  const sink: Sink = {
    write: (chunk) => {
      for (const m of new TextDecoder().decode(chunk).matchAll(/^id: (\d+)$/gm)) ids.push(Number(m[1]));
    },
    isBehind: () => false,
    close: () => {},
  };
  return { ids, sink };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("followSequenced before the bus's subscription is confirmed", () => {
  it("reads Postgres again once it is: an event committed and published in between is not lost", async () => {
    const { bus, confirm, publish } = slowBus();
    const committed: Sequenced[] = [{ seq: 1, type: "run.started" }];
    const { ids, sink } = collectingSink();
    const ctrl = new AbortController();
    const follower = followSequenced({
      bus,
      key: "r",
      listAfter: async (after) => committed.filter((e) => e.seq > after),
      afterSeq: 0,
      signal: ctrl.signal,
      sink,
    });
    await follower.ready;
    expect(ids).toEqual([1]);
    // The run's last event: committed and published while the SUBSCRIBE is still on its way.
    committed.push({ seq: 2, type: "run.succeeded" });
    publish(committed[1]!);
    confirm();
    await tick();
    expect(ids).toEqual([1, 2]);
    ctrl.abort();
  });

  it("already listening: no second read", async () => {
    const { bus, confirm } = slowBus();
    confirm();
    let reads = 0;
    const { sink } = collectingSink();
    const ctrl = new AbortController();
    const follower = followSequenced({
      bus,
      key: "r",
      listAfter: async () => (reads++, []),
      afterSeq: 0,
      signal: ctrl.signal,
      sink,
    });
    await follower.ready;
    await tick();
    expect(reads).toBe(1);
    ctrl.abort();
  });
});
