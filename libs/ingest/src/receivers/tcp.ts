import { IngestCounters } from '../counters';
import { SyslogFramer } from '../syslog/framer';
import { DEFAULT_MAX_FRAME_BYTES, type IngestListener } from './options';
import { startStreamServer } from './stream-server';
import { SyslogIntake, type SyslogListenerOptions } from './syslog-receiver';

/** Syslog over TCP (RFC 6587) or TLS (RFC 5425), octet-counted or newline framed. */
export const startStreamSyslog = async (options: SyslogListenerOptions): Promise<IngestListener> => {
  if (options.transport === 'udp') throw new Error('startStreamSyslog is for tcp and tls');
  const counters = new IngestCounters(options.name, options.log);
  const intake = new SyslogIntake(options, counters);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  return startStreamServer(
    options,
    options.transport === 'tls',
    counters,
    intake.allowList,
    (socket, source) => {
      const framer = new SyslogFramer(maxFrameBytes);
      return {
        data(chunk) {
          for (const out of framer.push(chunk)) {
            if ('frame' in out) intake.frame(out.frame, source);
            else if ('rejected' in out) counters.reject(out.rejected, source);
            else {
              counters.reject(out.fatal, source);
              socket.destroy();
              return;
            }
          }
        },
        end() {
          const last = framer.finish();
          if (last && 'frame' in last) intake.frame(last.frame, source);
          else if (last) counters.reject('truncated', source);
        },
      };
    },
  );
};
