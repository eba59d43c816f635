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
  listeners = new Map<string, ((e: Event) => void)[]>();
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({ type, data } as unknown as Event);
  }
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
    const stream = openEventStream({
      url: () => `/events?after=${after}`,
      types: ["x"],
      onMessage: () => {},
      onStatus: (s) => statuses.push(s),
      hiddenGraceMs: 10_000,
    });
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

describe("views that share a key share one connection", () => {
  beforeEach(() => {
    FakeEventSource.opened = [];
    listeners.clear();
    fakeDocument.visibilityState = "visible";
    vi.stubGlobal("EventSource", FakeEventSource);
    vi.stubGlobal("document", fakeDocument);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("opens one EventSource for the incident's timeline and its metrics, each getting its own event types", () => {
    const timeline: string[] = [];
    const metrics: string[] = [];
    const a = openEventStream({
      shareKey: "incident:1",
      url: () => "/api/incidents/1/events?metrics=1",
      types: ["tick"],
      onMessage: (m) => timeline.push(m.data),
      onStatus: () => {},
    });
    const statuses: StreamStatus[] = [];
    const b = openEventStream({
      shareKey: "incident:1",
      url: () => "/ignored",
      types: ["metrics.sample"],
      onMessage: (m) => metrics.push(m.data),
      onStatus: (s) => statuses.push(s),
    });
    expect(FakeEventSource.opened).toHaveLength(1);
    const es = FakeEventSource.opened[0]!;
    expect(es.url).toBe("/api/incidents/1/events?metrics=1");
    es.onopen!();
    expect(statuses).toEqual(["live"]);
    es.emit("tick", "t1");
    es.emit("metrics.sample", "m1");
    expect(timeline).toEqual(["t1"]);
    expect(metrics).toEqual(["m1"]);
    // The first view going keeps the connection for the other; the last one closes it.
    a.close();
    expect(es.readyState).not.toBe(FakeEventSource.CLOSED);
    es.emit("metrics.sample", "m2");
    expect(metrics).toEqual(["m1", "m2"]);
    b.close();
    expect(es.readyState).toBe(FakeEventSource.CLOSED);
    // A new view with the key opens afresh.
    openEventStream({
      shareKey: "incident:1",
      url: () => "/again",
      types: ["tick"],
      onMessage: () => {},
      onStatus: () => {},
    }).close();
    expect(FakeEventSource.opened).toHaveLength(2);
  });
});
