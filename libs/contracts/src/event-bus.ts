/**
 * One typed event map for the process. A subscriber that throws is caught,
 * counted and handed to the error sink (the gateway logs and journals it as a
 * dead letter naming the handler): it never takes another subscriber (or the
 * publisher) down. A listener that returns a promise is held to the same rule
 * when the promise rejects, so an async handler's failure is never silent.
 */
/** What a listener returns is ignored, except a promise: its rejection is a failure like a throw. */
export type Listener<T> = (payload: T) => unknown;

export interface BusErrorSink {
  /** `payload` is what the failing listener was handling, so it can be kept with the failure. */
  (event: string, owner: string, error: unknown, payload: unknown): void;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

export class TypedEventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Map<string, Listener<never>>>();
  private failures = 0;

  constructor(private readonly onError: BusErrorSink = () => undefined) {}

  /** Subscribe `owner` (a stable name, one listener per owner and event); returns an unsubscribe function. */
  on<K extends keyof Events>(event: K, owner: string, listener: Listener<Events[K]>): () => void {
    let byOwner = this.listeners.get(event);
    if (!byOwner) {
      byOwner = new Map();
      this.listeners.set(event, byOwner);
    }
    byOwner.set(owner, listener as Listener<never>);
    return () => this.off(event, owner);
  }

  off<K extends keyof Events>(event: K, owner: string): void {
    this.listeners.get(event)?.delete(owner);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const byOwner = this.listeners.get(event);
    if (!byOwner) return;
    for (const [owner, listener] of [...byOwner]) {
      try {
        const pending = (listener as Listener<Events[K]>)(payload);
        if (isThenable(pending)) this.track(String(event), owner, pending, payload);
      } catch (error) {
        this.failed(String(event), owner, error, payload);
      }
    }
  }

  /**
   * Work that nobody awaits (a journal write from a device callback or a timer)
   * is held to the listeners' rule: a rejection is a failure, counted and handed
   * to the sink under `event` and `owner` with what the work was about.
   */
  track(event: string, owner: string, pending: PromiseLike<unknown>, payload: unknown): void {
    pending.then(undefined, (error: unknown) => this.failed(event, owner, error, payload));
  }

  private failed(event: string, owner: string, error: unknown, payload: unknown): void {
    this.failures += 1;
    try {
      this.onError(event, owner, error, payload);
    } catch {
      /* the sink must not take the publisher down either */
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  get failureCount(): number {
    return this.failures;
  }
}
