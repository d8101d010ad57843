import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { IngestCounters } from '../counters';
import type { IngestListener } from './options';
import { DEFAULT_MAX_FRAME_BYTES } from './options';
import { SyslogIntake, type SyslogListenerOptions } from './syslog-receiver';

/** Syslog over UDP: one message per datagram (RFC 5426). Lost datagrams are the sender's risk. */
export const startUdpSyslog = async (options: SyslogListenerOptions): Promise<IngestListener> => {
  const counters = new IngestCounters(options.name, options.log);
  const intake = new SyslogIntake(options, counters);
  const maxBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const socket = createSocket({ type: isIP(options.host) === 6 ? 'udp6' : 'udp4', recvBufferSize: 1 << 20 });
  socket.on('message', (datagram, peer) => {
    if (!intake.allowList.allows(peer.address)) return counters.reject('source-not-allowed', peer.address);
    if (datagram.length > maxBytes) return counters.reject('oversize', peer.address);
    intake.frame(datagram, peer.address);
  });
  socket.on('error', (error) =>
    options.log?.('error', 'syslog udp socket error', { listener: options.name, error: error.message }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const bound = socket.address();
  return {
    name: options.name,
    address: { host: bound.address, port: bound.port },
    counters,
    connections: 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};
