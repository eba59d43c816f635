import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openEventStream, type StreamStatus } from "@/components/api/event-stream";

// Just enough of the browser for openEventStream: EventSource and the page's visibility.
class FakeEventSource {
  static CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener() {}
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

const listeners = new Set<() => void>();
const fakeDocument = {
  visibilityState: "visible" as "visible" | "hidden",
  addEventListener: (_: string, fn: () => void) => listeners.add(fn),
  removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
};
const setVisibility = (v: "visible" | "hidden") => {
  fakeDocument.visibilityState = v;
  for (const fn of listeners) fn();
};

describe("openEventStream lets go of a background tab's connection and takes it back when shown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    listeners.clear();
    fakeDocument.visibilityState = "visible";
    vi.stubGlobal("EventSource", FakeEventSource);
    vi.stubGlobal("document", fakeDocument);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function open() {
    let after = 0;
    const statuses: StreamStatus[] = [];
    const stream = openEventStream({ url: () => `/events?after=${after}`, types: ["x"], onMessage: () => {}, onStatus: (s) => statuses.push(s), hiddenGraceMs: 10_000 });
    return { stream, statuses, setAfter: (n: number) => (after = n) };
  }

  it("keeps the stream through a short glance away", () => {
    open();
    setVisibility("hidden");
    vi.advanceTimersByTime(9_999);
    setVisibility("visible");
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(FakeEventSource.opened[0]!.readyState).not.toBe(FakeEventSource.CLOSED);
  });

  it("closes after the grace period and reopens from where it stopped when shown", () => {
    const { statuses, setAfter } = open();
    setAfter(41);
    setVisibility("hidden");
    vi.advanceTimersByTime(10_000);
    expect(FakeEventSource.opened[0]!.readyState).toBe(FakeEventSource.CLOSED);
    expect(statuses.at(-1)).toBe("reconnecting");
    setVisibility("visible");
    expect(FakeEventSource.opened).toHaveLength(2);
    expect(FakeEventSource.opened[1]!.url).toBe("/events?after=41");
  });

  it("lets go too when it was opened in a tab already in the background", () => {
    fakeDocument.visibilityState = "hidden";
    open();
    vi.advanceTimersByTime(10_000);
    expect(FakeEventSource.opened[0]!.readyState).toBe(FakeEventSource.CLOSED);
    setVisibility("visible");
    expect(FakeEventSource.opened).toHaveLength(2);
  });

  it("stops listening once closed", () => {
    const { stream } = open();
    stream.close();
    expect(listeners.size).toBe(0);
    setVisibility("hidden");
    vi.advanceTimersByTime(20_000);
    setVisibility("visible");
    expect(FakeEventSource.opened).toHaveLength(1);
  });
});
