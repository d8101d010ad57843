/**
 * One typed event map for the process. A subscriber that throws is caught,
 * counted and handed to the error sink (the gateway logs and journals it as a
 * dead letter naming the handler): it never takes another subscriber (or the
 * publisher) down.
 */
export type Listener<T> = (payload: T) => void;

export interface BusErrorSink {
  /** `payload` is what the failing listener was handling, so it can be kept with the failure. */
  (event: string, owner: string, error: unknown, payload: unknown): void;
}

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
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        this.failures += 1;
        try {
          this.onError(String(event), owner, error, payload);
        } catch {
          /* the sink must not take the publisher down either */
        }
      }
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  get failureCount(): number {
    return this.failures;
  }
}
