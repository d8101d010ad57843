import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
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
 * allow-list at accept, a connection cap, an idle time-out, and sockets that
 * never throw (an error closes that connection only).
 */
export const startStreamServer = async (
  options: ListenerOptions,
  secure: boolean,
  counters: IngestCounters,
  allowList: SourceAllowList,
  open: (socket: Socket, source: string) => StreamSession,
): Promise<IngestListener> => {
  const sockets = new Set<Socket>();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const onConnection = (socket: Socket): void => {
    const source = socket.remoteAddress ?? 'unknown';
    socket.on('error', () => socket.destroy());
    if (!allowList.allows(socket.remoteAddress)) {
      counters.reject('source-not-allowed', source);
      socket.destroy();
      return;
    }
    if (sockets.size >= maxConnections) {
      counters.reject('too-many-connections', source);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const session = open(socket, source);
    socket.setTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      counters.reject('idle-timeout', source);
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => session.data(chunk));
    socket.once('close', () => {
      sockets.delete(socket);
      session.end();
    });
  };
  let server: Server;
  if (secure) {
    if (!options.tls) throw new Error(`listener ${options.name}: TLS needs a certificate and key`);
    const tlsServer = createTlsServer({ ...options.tls, handshakeTimeout: 10_000 }, onConnection);
    // Plain text or a bad handshake on a TLS port: counted, the socket is already gone.
    tlsServer.on('tlsClientError', (_error, socket) => {
      counters.reject('tls-handshake', socket.remoteAddress);
      socket.destroy();
    });
    server = tlsServer;
  } else {
    server = createTcpServer(onConnection);
  }
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
