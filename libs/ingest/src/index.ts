export { type IngestRejection, IngestCounters } from './counters';
export { SourceAllowList } from './guard/allow-list';
export { type MonotonicMs, PerSourceRateLimiter, type RateLimit } from './guard/rate-limiter';
export { type SdElement, type SyslogMessage, type SyslogParse, type SyslogRejection } from './syslog/message';
export { parseSyslog, parseSyslogText } from './syslog/parse';
export { type FramerOutput, SyslogFramer } from './syslog/framer';
export { isKnownZone, wallTimeToInstant, type WallTime } from './syslog/zone';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_FRAME_BYTES,
  type Backpressure,
  type IngestListener,
  type ListenerOptions,
} from './receivers/options';
export { type ReceivedSyslog, type SyslogListenerOptions } from './receivers/syslog-receiver';
export { startUdpSyslog } from './receivers/udp';
export { startStreamSyslog } from './receivers/tcp';
export { ackFrame, LJ_ACK, LJ_COMPRESSED, LJ_JSON, LJ_VERSION, LJ_WINDOW } from './beats/frames';
export { type BeatsEvent, BeatsDecoder, type BeatsFault, type BeatsOutput } from './beats/decoder';
export { type BeatsListenerOptions, type ReceivedBeatsEvent, startBeatsListener } from './beats/server';
