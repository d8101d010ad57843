import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { JsonObject } from '@gatehouse/contracts';
import type { Alarm } from './alarm';
import type { AudienceRules, Notification, NotificationDocument } from './notification';

/**
 * Sends one notification; resolves once the receiver took it. A failure throws,
 * a DeliveryError when the receiver said when to try again.
 */
export interface AlarmTransport extends AudienceRules {
  /** Stable across restarts: queued notifications are kept under it. */
  name: string;
  send(n: Notification): Promise<void>;
  close?(): void;
  /** Its own document for a change (null: not for this target), instead of the alarm's. */
  document?(a: Alarm, change: string, at: number): JsonObject | null;
  /** The alarm's withdrawal cancels what is still queued for it (a request that no longer holds). */
  withdrawCancels?: boolean;
  /** Each request and its outcome journaled (an action on the site, not a message about one). */
  journalOutcome?: boolean;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** From the receiver's Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfter = (value: string | undefined, nowMs: number): number | undefined => {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
};

export const mqttTransport = (
  publish: (topic: string, payload: string) => Promise<void>,
  prefix: string,
  rules: AudienceRules,
): AlarmTransport => ({
  name: 'mqtt',
  ...rules,
  send: (n) =>
    publish(`${prefix}/alarms/${n.document.id}`, JSON.stringify({ deliveryId: n.deliveryId, ...n.document })),
});

export interface WebhookOptions extends AudienceRules {
  url: string;
  secret: string;
  /** PEM of the CA that signed the receiver's certificate, for a private PKI. */
  ca?: Buffer;
  timeoutMs?: number;
  userAgent: string;
}

/**
 * A POST of the alarm as JSON, signed so the receiver can tell it came from this
 * gateway and was not replayed: `X-Gatehouse-Signature: sha256=<hex HMAC of
 * "<timestamp>.<body>">`, `X-Gatehouse-Timestamp` in Unix seconds, and
 * `X-Gatehouse-Delivery`, the same on every retry. Only a 2xx is a delivery:
 * redirects are never followed (the signed alarm must not go to another origin).
 */
export const webhookTransport = (o: WebhookOptions): AlarmTransport => {
  const url = new URL(o.url);
  const https = url.protocol === 'https:';
  // One connection kept alive per receiver: a backlog drains without a handshake per alarm.
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...(o.ca ? { ca: o.ca } : {}) })
    : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const timeoutMs = o.timeoutMs ?? 10_000;
  return {
    name: `webhook ${url.origin}${url.pathname}`,
    events: o.events,
    silentAlarms: o.silentAlarms,
    personalData: o.personalData,
    send(n) {
      const body = JSON.stringify({ deliveryId: n.deliveryId, ...n.document });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', o.secret).update(`${timestamp}.${body}`).digest('hex');
      return new Promise<void>((resolve, reject) => {
        const req = (https ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent,
            timeout: timeoutMs,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'user-agent': o.userAgent,
              'x-gatehouse-timestamp': timestamp,
              'x-gatehouse-signature': `sha256=${signature}`,
              'x-gatehouse-delivery': n.deliveryId,
            },
          },
          (res) => {
            res.resume();
            res.once('end', () => {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) return resolve();
              const retry = parseRetryAfter(res.headers['retry-after'], Date.now());
              const where = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
              reject(new DeliveryError(`HTTP ${status}${where}`, retry));
            });
            res.once('error', reject);
          },
        );
        req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.once('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
};

const SYSLOG_SEVERITY: Record<NotificationDocument['priority'], number> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
};
const CEF_SEVERITY: Record<NotificationDocument['priority'], number> = {
  critical: 10,
  high: 8,
  medium: 5,
  low: 3,
};
/** The all-clear: syslog informational, CEF low. */
const INFO_SYSLOG = 6;
const INFO_CEF = 1;

/** 32473 is the enterprise number RFC 5612 reserves for documentation; a site sets its own. */
export const EXAMPLE_ENTERPRISE_NUMBER = 32473;

const sdEscape = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
/** CEF extension values: backslash and equals escaped, line breaks written as \n and \r. */
export const cefEscape = (v: string) =>
  v
    .replace(/[\\=]/g, (c) => `\\${c}`)
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r');
/** CEF header fields: pipes and backslashes escaped; a line break has no escape there. */
const cefHeaderEscape = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

export interface SyslogFormat {
  format: 'rfc5424' | 'cef';
  enterpriseNumber: number;
  version: string;
  host?: string;
}

/** RFC 5424 with structured data, or ArcSight CEF inside an RFC 5424 frame: what SIEMs ingest. */
export const formatSyslog = (n: Notification, f: SyslogFormat): string => {
  const d = n.document;
  const info = d.severity === 'informational';
  const pri = 8 * 13 + (info ? INFO_SYSLOG : SYSLOG_SEVERITY[d.priority]); // facility 13: log audit
  const head = `<${pri}>1 ${d.at} ${f.host ?? hostname()} gatehouse - ${d.change}`;
  if (f.format === 'cef') {
    const ext = [
      `rt=${Date.parse(d.at)}`,
      `externalId=${cefEscape(n.deliveryId)}`,
      `cs1Label=alarmId cs1=${cefEscape(d.id)}`,
      `cs2Label=door cs2=${cefEscape(d.doorId ?? '')}`,
      `cs3Label=state cs3=${cefEscape(d.state)}`,
      `cs4Label=priority cs4=${d.priority}`,
      `cnt=${d.count}`,
      d.cardholderId ? `suid=${cefEscape(d.cardholderId)}` : '',
      d.detail ? `msg=${cefEscape(d.detail)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const severity = info ? INFO_CEF : CEF_SEVERITY[d.priority];
    return `${head} - CEF:0|Gatehouse|Gatehouse|${cefHeaderEscape(f.version)}|${cefHeaderEscape(d.type)}|${cefHeaderEscape(`${d.change} ${d.type}`)}|${severity}|${ext}`;
  }
  const cardholder = d.cardholderId ? ` cardholder="${sdEscape(d.cardholderId)}"` : '';
  const sd = `[alarm@${f.enterpriseNumber} id="${sdEscape(d.id)}" delivery="${sdEscape(n.deliveryId)}" type="${sdEscape(d.type)}" priority="${d.priority}" state="${d.state}" door="${sdEscape(d.doorId ?? '')}" count="${d.count}"${cardholder}]`;
  const msg = `${d.type} (${info ? 'ended' : d.priority})${d.detail ? `: ${d.detail}` : ''}`.replace(
    /[\r\n]+/g,
    ' ',
  );
  return `${head} ${sd} ${msg}`;
};

/**
 * One long-lived TCP or TLS connection to a syslog receiver, opened again when
 * it drops. A send that fails (no connection, connection lost) is retried by the
 * outbox; a message is done once written to the connection.
 */
class SyslogStream {
  private socket: Socket | undefined;
  private opening: Promise<Socket> | undefined;

  constructor(
    private readonly open: () => Socket,
    private readonly timeoutMs: number,
  ) {}

  private connect(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return Promise.resolve(this.socket);
    this.opening ??= new Promise<Socket>((resolve, reject) => {
      const socket = this.open();
      const ready = socket instanceof TLSSocket ? 'secureConnect' : 'connect';
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error('syslog connection timed out')));
      socket.once(ready, () => {
        socket.setTimeout(0);
        this.socket = socket;
        resolve(socket);
      });
      socket.once('error', reject);
      // The receiver closing (a restart) makes the next send open a new connection.
      socket.on('end', () => socket.destroy());
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
      });
      socket.on('error', () => undefined);
      socket.resume(); // a receiver never answers on syslog; drain anything it sends
    }).finally(() => (this.opening = undefined));
    return this.opening;
  }

  async send(frame: Buffer): Promise<void> {
    const socket = await this.connect();
    await new Promise<void>((resolve, reject) => socket.write(frame, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.socket?.destroy();
  }
}

export interface SyslogOptions extends AudienceRules, SyslogFormat {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  /** For tls: PEM of the CA that signed the receiver's certificate. */
  ca?: Buffer;
  timeoutMs?: number;
}

/** Syslog over UDP (one datagram a message), TCP (RFC 6587 octet counting) or TLS (RFC 5425). */
export const syslogTransport = (o: SyslogOptions): AlarmTransport => {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const stream =
    o.protocol === 'udp'
      ? null
      : new SyslogStream(
          () =>
            o.protocol === 'tls'
              ? tlsConnect({
                  host: o.host,
                  port: o.port,
                  // SNI names hosts only (RFC 6066 §3): an address is checked against the certificate's IP SANs without it.
                  ...(isIP(o.host) ? {} : { servername: o.host }),
                  ...(o.ca ? { ca: o.ca } : {}),
                })
              : netConnect({ host: o.host, port: o.port }),
          timeoutMs,
        );
  return {
    name: `syslog ${o.host}:${o.port}/${o.protocol}`,
    events: o.events,
    silentAlarms: o.silentAlarms,
    personalData: o.personalData,
    send(n) {
      const message = Buffer.from(formatSyslog(n, o));
      if (stream) return stream.send(Buffer.concat([Buffer.from(`${message.length} `), message]));
      return new Promise((resolve, reject) => {
        const socket = createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
        socket.send(message, o.port, o.host, (e) => {
          socket.close();
          if (e) reject(e);
          else resolve();
        });
      });
    },
    close: () => stream?.close(),
  };
};
