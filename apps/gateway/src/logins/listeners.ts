import { readFileSync } from 'node:fs';
import type { GatehouseConfig } from '@gatehouse/config';
import type { Clock, Log } from '@gatehouse/contracts';
import {
  type IngestListener,
  type ListenerOptions,
  type ReceivedSyslog,
  startBeatsListener,
  startStreamSyslog,
  startUdpSyslog,
} from '@gatehouse/ingest';
import { interpretJson, interpretSyslog } from '@gatehouse/logins';
import type { LoginsGateway } from './logins-gateway';

type ListenerConfig = GatehouseConfig['logins']['listeners'][number];

const tlsOf = (l: ListenerConfig): ListenerOptions['tls'] =>
  l.tls
    ? {
        cert: readFileSync(l.tls.certFile),
        key: readFileSync(l.tls.keyFile),
        ...(l.tls.caFile
          ? { ca: readFileSync(l.tls.caFile), requestCert: true, rejectUnauthorized: true }
          : {}),
      }
    : undefined;

/**
 * One listener per configured entry, each handing what it parsed to the
 * gateway's login intake. A listener that cannot start (port taken, key
 * unreadable) stops the gateway's start: a site that configured one expects it.
 */
export const startLoginListeners = async (
  config: GatehouseConfig,
  logins: LoginsGateway,
  clock: Clock,
  log: Log,
): Promise<IngestListener[]> => {
  const started: IngestListener[] = [];
  const ctx = { zone: logins.zone };
  try {
    for (const l of config.logins.listeners) {
      const base: ListenerOptions = {
        name: l.name,
        host: l.host,
        port: l.port,
        allow: l.allow,
        rate: l.rate,
        maxFrameBytes: l.maxFrameBytes,
        tls: tlsOf(l),
        clock,
        log,
        backpressure: logins.backpressure,
      };
      if (l.protocol === 'beats') {
        started.push(
          await startBeatsListener({
            ...base,
            secure: Boolean(l.tls),
            onEvent: (e) =>
              logins.takeDetached(interpretJson(e.value, e.raw, ctx), {
                via: `${e.transport}:${l.name}`,
                sourceAddress: e.source,
              }),
          }),
        );
      } else {
        const transport = l.protocol === 'syslog-udp' ? 'udp' : l.protocol === 'syslog-tcp' ? 'tcp' : 'tls';
        const options = {
          ...base,
          transport,
          zone: logins.zone,
          onMessage: (m: ReceivedSyslog) =>
            logins.takeDetached(interpretSyslog(m.message, m.raw, ctx), {
              via: `syslog-${m.transport}:${l.name}`,
              sourceAddress: m.source,
            }),
        } as const;
        started.push(transport === 'udp' ? await startUdpSyslog(options) : await startStreamSyslog(options));
      }
      log('info', 'login listener started', {
        name: l.name,
        protocol: l.protocol,
        ...started.at(-1)!.address,
      });
    }
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw error;
  }
  return started;
};
