import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { LumberjackTestClient } from '../../../libs/ingest/test/lumberjack-client';

const HOST = '127.0.0.1';
const ACK_MS = 5000;

/**
 * The three ways the demo's workstations reach the gateway's real listeners:
 * syslog over TCP (RFC 6587 octet counting, as NXLog's om_tcp sends), syslog
 * over UDP (one datagram a message, as rsyslog forwards), and Beats (the same
 * Lumberjack v2 sender the ingest tests use). Each connects when first used
 * and again after a failure; a message that cannot be sent is reported, not
 * retried (the next scene sends fresh ones).
 */
export class LoginSenders {
  private tcp: Socket | null = null;
  private udp: UdpSocket | null = null;
  private beats: LumberjackTestClient | null = null;
  private closed = false;

  constructor(
    private readonly ports: { syslogTcp: number | null; syslogUdp: number | null; beats: number | null },
    private readonly say: (line: string) => void,
  ) {}

  private failed(what: string, error: unknown) {
    this.say(`${what} not sent: ${error instanceof Error ? error.message : String(error)}`);
  }

  private tcpSocket(port: number): Promise<Socket> {
    if (this.tcp && !this.tcp.destroyed) return Promise.resolve(this.tcp);
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: HOST }, () => {
        socket.off('error', reject);
        socket.on('error', () => socket.destroy());
        this.tcp = socket;
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  /** An RFC 5424 or 3164 line over TCP; over UDP when no TCP listener is configured. */
  async syslogTcp(line: string): Promise<void> {
    if (this.closed) return;
    const port = this.ports.syslogTcp;
    if (port === null) return this.syslogUdp(line);
    try {
      const socket = await this.tcpSocket(port);
      socket.write(`${Buffer.byteLength(line)} ${line}`);
    } catch (error) {
      this.failed('syslog over TCP', error);
    }
  }

  async syslogUdp(line: string): Promise<void> {
    if (this.closed) return;
    const port = this.ports.syslogUdp;
    if (port === null) return this.ports.syslogTcp === null ? undefined : this.syslogTcp(line);
    this.udp ??= createSocket('udp4').on('error', (e) => this.failed('syslog over UDP', e));
    await new Promise<void>((resolve) =>
      this.udp!.send(line, port, HOST, (error) => {
        if (error) this.failed('syslog over UDP', error);
        resolve();
      }),
    );
  }

  /** A Winlogbeat document in one Beats batch, waiting for its acknowledgement; skipped without a Beats listener. */
  async beatsEvent(document: object): Promise<void> {
    if (this.closed) return;
    const port = this.ports.beats;
    if (port === null) return;
    try {
      this.beats ??= await LumberjackTestClient.connect(port);
      await this.beats.sendBatch([document], true, ACK_MS);
    } catch (error) {
      this.beats?.socket.destroy();
      this.beats = null;
      this.failed('Beats batch', error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tcp?.end();
    this.tcp?.destroy();
    this.beats?.socket.destroy();
    const udp = this.udp;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
}
