import { connect, type Socket } from 'node:net';
import { deflateSync } from 'node:zlib';

/** A Winlogbeat 4624 (type 2) document; the record id varies so every event is its own fact. */
const doc = (recordId: number) =>
  JSON.stringify({
    '@timestamp': '2026-01-05T08:01:02.345Z',
    '@metadata': { beat: 'winlogbeat', type: '_doc', version: '8.12.2' },
    host: { name: 'WS-042.corp.example.com' },
    event: {
      code: '4624',
      kind: 'event',
      provider: 'Microsoft-Windows-Security-Auditing',
      outcome: 'success',
    },
    winlog: {
      channel: 'Security',
      computer_name: 'WS-042.corp.example.com',
      event_id: '4624',
      record_id: String(recordId),
      provider_name: 'Microsoft-Windows-Security-Auditing',
      event_data: {
        SubjectUserSid: 'S-1-5-18',
        SubjectUserName: 'WS-042$',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x3e7',
        TargetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1013',
        TargetUserName: `user${recordId % 200}`,
        TargetDomainName: 'CORP',
        TargetLogonId: `0x${(0x3e7a91 + recordId).toString(16)}`,
        LogonType: '2',
        LogonProcessName: 'User32 ',
        AuthenticationPackageName: 'Negotiate',
        WorkstationName: 'WS-042',
        IpAddress: '127.0.0.1',
        IpPort: '0',
      },
    },
  });

/** Our own Lumberjack v2 sender for the bench: a window, one compressed batch, wait for the ack. */
export class LumberjackBenchSender {
  private waiting: ((sequence: number) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      // Acks are 6 bytes; the bench waits for the one after each batch.
      if (chunk.length >= 6 && this.waiting) this.waiting(chunk.readUInt32BE(chunk.length - 4));
    });
  }

  static connect(port: number): Promise<LumberjackBenchSender> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new LumberjackBenchSender(socket)));
      socket.once('error', reject);
    });
  }

  sendBatch(size: number, firstRecord: number): Promise<number> {
    const frames: Buffer[] = [];
    for (let i = 0; i < size; i++) {
      const payload = Buffer.from(doc(firstRecord + i));
      const header = Buffer.from([0x32, 0x4a, 0, 0, 0, 0, 0, 0, 0, 0]);
      header.writeUInt32BE(i + 1, 2);
      header.writeUInt32BE(payload.length, 6);
      frames.push(header, payload);
    }
    const body = deflateSync(Buffer.concat(frames), { level: 3 });
    const head = Buffer.from([0x32, 0x57, 0, 0, 0, 0, 0x32, 0x43, 0, 0, 0, 0]);
    head.writeUInt32BE(size, 2);
    head.writeUInt32BE(body.length, 8);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(Buffer.concat([head, body]));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
