import type { Clock, Log } from '@gatehouse/contracts';
import type { TlsOptions } from 'node:tls';
import type { RateLimit } from '../guard/rate-limiter';

/** What every listener (syslog UDP/TCP/TLS, Beats) is configured with. */
export interface ListenerOptions {
  /** Names the listener in counters and logs. */
  name: string;
  /** Address to bind; tests use 127.0.0.1. */
  host: string;
  /** 0 picks a free port (see `address` after start). */
  port: number;
  /** CIDR ranges or addresses allowed to send; empty allows nobody. */
  allow: readonly string[];
  rate: RateLimit;
  /** Largest frame held in memory; longer ones are dropped and counted. Default 64 KiB. */
  maxFrameBytes?: number;
  /** Open connections at once (stream listeners); more are closed on accept. Default 256. */
  maxConnections?: number;
  /** A connection silent this long is closed. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Server certificate and key (and CA to ask clients for one) for the TLS variants. */
  tls?: TlsOptions;
  clock: Clock;
  log?: Log;
  /**
   * What the messages go to, when it can fall behind (the journal): while
   * `busy()`, stream connections stop being read (TCP flow control holds
   * the senders back) until `onceFree` calls back. UDP cannot be held.
   */
  backpressure?: Backpressure;
}

export interface Backpressure {
  busy(): boolean;
  /** Calls `resume` once, when no longer busy. */
  onceFree(resume: () => void): void;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 256;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** A running listener. */
export interface IngestListener {
  readonly name: string;
  /** Where it listens (the real port when started on 0). */
  readonly address: { host: string; port: number };
  readonly counters: import('../counters').IngestCounters;
  /** Open stream connections (0 for UDP). */
  readonly connections: number;
  close(): Promise<void>;
}
