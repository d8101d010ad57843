import { createServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { IngestCounters } from '../counters';
import type { SourceAllowList } from '../guard/allow-list';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  type IngestListener,
  type ListenerOptions,
} from './options';

/** Per-connection protocol handling: bytes in, a close notice at the end. */
export interface StreamSession {
  data(chunk: Buffer): void;
  /** The peer went away or was closed; report what was left unfinished. */
  end(): void;
}

/**
 * A TCP or TLS server with the limits every stream listener needs: the
 * allow-list and the connection cap checked on the bare TCP connection (so
 * an unknown or surplus peer costs no TLS handshake), an idle time-out that
 * also ends a stalled handshake, and sockets that never throw (an error
 * closes that connection only).
 */
export const startStreamServer = async (
  options: ListenerOptions,
  secure: boolean,
  counters: IngestCounters,
  allowList: SourceAllowList,
  open: (socket: Socket, source: string) => StreamSession,
): Promise<IngestListener> => {
  if (secure && !options.tls) throw new Error(`listener ${options.name}: TLS needs a certificate and key`);
  const secureContext = secure ? createSecureContext(options.tls) : null;
  const sockets = new Set<Socket>();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  /** Raw sockets held back by backpressure: silent by our choice, so not idle. */
  const held = new Set<Socket>();
  const backpressure = options.backpressure;

  const serve = (socket: Socket, source: string, raw: Socket): void => {
    const session = open(socket, source);
    socket.on('data', (chunk: Buffer) => {
      session.data(chunk);
      if (!backpressure?.busy() || held.has(raw)) return;
      held.add(raw);
      socket.pause();
      backpressure.onceFree(() => {
        held.delete(raw);
        if (!socket.destroyed) socket.resume();
      });
    });
    socket.once('close', () => session.end());
  };

  const server = createServer((raw) => {
    const source = raw.remoteAddress ?? 'unknown';
    raw.on('error', () => raw.destroy());
    if (!allowList.allows(raw.remoteAddress)) {
      counters.reject('source-not-allowed', source);
      raw.destroy();
      return;
    }
    if (sockets.size >= maxConnections) {
      counters.reject('too-many-connections', source);
      raw.destroy();
      return;
    }
    sockets.add(raw);
    raw.once('close', () => sockets.delete(raw));
    raw.setTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      if (held.has(raw)) return;
      counters.reject('idle-timeout', source);
      raw.destroy();
    });
    if (!secureContext) return serve(raw, source, raw);
    const tlsSocket = new TLSSocket(raw, {
      isServer: true,
      secureContext,
      requestCert: options.tls?.requestCert ?? false,
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    });
    let established = false;
    let failed = false;
    // Plain text, a bad handshake, or a client that hangs up because it distrusts
    // us: counted once, that socket only.
    const handshakeFailed = () => {
      if (!established && !failed) counters.reject('tls-handshake', source);
      failed = true;
      tlsSocket.destroy();
      raw.destroy();
    };
    tlsSocket.on('error', handshakeFailed);
    tlsSocket.once('close', () => {
      if (!established) handshakeFailed();
    });
    tlsSocket.once('secure', () => {
      established = true;
      serve(tlsSocket, source, raw);
    });
  });
  server.on('error', (error) =>
    options.log?.('error', 'ingest listener error', { listener: options.name, error: error.message }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (!bound || typeof bound === 'string') throw new Error('listener has no TCP address');
  return {
    name: options.name,
    address: { host: bound.address, port: bound.port },
    counters,
    get connections() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
