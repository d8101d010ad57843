import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { deflateSync } from 'node:zlib';

/**
 * Our own Beats (Lumberjack v2) sender for tests, written from the protocol
 * description (go-lumber's protocol/v2 constants and its client's batch
 * layout), not from anyone's code: per batch a window frame `2W` with the
 * event count, then the events as `2J` frames numbered from 1, either as they
 * are or wrapped in one zlib-compressed `2C` frame; then it waits for the
 * `2A` acknowledging the last number, as Winlogbeat's output.logstash does.
 */
export class LumberjackTestClient {
  private acks: number[] = [];
  private ackWaiters: (() => void)[] = [];
  private inbox = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.inbox = Buffer.concat([this.inbox, chunk]);
      while (this.inbox.length >= 6) {
        if (this.inbox[0] !== 0x32 || this.inbox[1] !== 0x41)
          throw new Error('server sent something that is not an ack');
        this.acks.push(this.inbox.readUInt32BE(2));
        this.inbox = this.inbox.subarray(6);
      }
      for (const wake of this.ackWaiters.splice(0)) wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      for (const wake of this.ackWaiters.splice(0)) wake();
    });
  }

  static connect(
    port: number,
    options: { ca?: Buffer; cert?: Buffer; key?: Buffer; localAddress?: string } = {},
  ): Promise<LumberjackTestClient> {
    return new Promise((resolve, reject) => {
      const socket = options.ca
        ? connectTls({ port, host: '127.0.0.1', ca: options.ca, cert: options.cert, key: options.key })
        : connectTcp({ port, host: '127.0.0.1', localAddress: options.localAddress });
      socket.once(options.ca ? 'secureConnect' : 'connect', () => resolve(new LumberjackTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one batch and resolves with the acknowledged sequence (or rejects after `ms`). */
  async sendBatch(events: (object | string)[], compress: boolean, ms = 5000): Promise<number> {
    this.socket.write(LumberjackTestClient.batch(events, compress));
    return this.nextAck(ms);
  }

  nextAck(ms = 5000): Promise<number> {
    const deadline = Date.now() + ms;
    return new Promise((resolve, reject) => {
      const check = () => {
        const ack = this.acks.shift();
        if (ack !== undefined) return resolve(ack);
        if (Date.now() > deadline || this.socket.destroyed) return reject(new Error('no acknowledgement'));
        this.ackWaiters.push(check);
        setTimeout(check, Math.max(0, deadline - Date.now()) + 1).unref();
      };
      check();
    });
  }

  /** The bytes of one batch. */
  static batch(events: (object | string)[], compress: boolean): Buffer {
    const frames = events.map((event, index) =>
      LumberjackTestClient.jsonFrame(index + 1, typeof event === 'string' ? event : JSON.stringify(event)),
    );
    const window = Buffer.from([0x32, 0x57, 0, 0, 0, 0]);
    window.writeUInt32BE(events.length, 2);
    if (!compress) return Buffer.concat([window, ...frames]);
    const body = deflateSync(Buffer.concat(frames));
    const header = Buffer.from([0x32, 0x43, 0, 0, 0, 0]);
    header.writeUInt32BE(body.length, 2);
    return Buffer.concat([window, header, body]);
  }

  static jsonFrame(sequence: number, json: string): Buffer {
    const payload = Buffer.from(json);
    const header = Buffer.alloc(10);
    header[0] = 0x32;
    header[1] = 0x4a;
    header.writeUInt32BE(sequence, 2);
    header.writeUInt32BE(payload.length, 6);
    return Buffer.concat([header, payload]);
  }

  close(): void {
    this.socket.destroy();
  }
}
