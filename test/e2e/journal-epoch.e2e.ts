import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOldFormatJournal } from '../../libs/journal/test/old-format';
import { bootstrapAdmin, Client, tokenClient } from '../support/client';
import { removeDir, runCli, startGateway } from '../support/gateway';

const OLD_NAME = 'Wendeline Oakhampton';
const OLD_DEPARTMENT = 'Brackenfold Archive';

interface Report {
  ok: boolean;
  problems: unknown[];
  epochs: { epoch: number; entries: number; retired: boolean; retiredEntries: number; rootHash: string }[];
}

describe('a database from before sealed entries, upgraded as the README says (real processes)', () => {
  it('starts a new epoch at the first start, verifies across the link (CLI and API), retires the old epoch from the CLI and leaves no old clear value', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-epoch-'));
    const env = { GATEHOUSE_DATA_DIR: dataDir };
    writeOldFormatJournal(
      dataDir,
      [
        {
          type: 'cardholder.created',
          source: 'access',
          subjects: [{ kind: 'person', id: 'p-w' }],
          payload: {
            id: 'p-w',
            changes: { name: { from: null, to: OLD_NAME }, department: { from: null, to: OLD_DEPARTMENT } },
          },
        },
      ],
      {
        signedUpTo: 2,
        time: new Date('2026-05-01T08:00:00Z'),
        file: 'gatehouse.db',
        keyFile: join(dataDir, 'keys', 'journal-signing.pem'),
      },
    );

    // 1. The upgrade: the first start closes the old tree and begins epoch 2.
    const gw = await startGateway({ dataDir });
    const { client: admin } = await bootstrapAdmin(gw.url, gw.bootstrapToken!);
    const auditor = await tokenClient(admin, gw.url, ['auditor'], 'verifier');
    const api = (await auditor.get<Report>('/api/v1/journal/verify')).body;
    expect(api).toMatchObject({ ok: true, problems: [] });
    expect(api.epochs.map((e) => [e.epoch, e.entries, e.retired])).toEqual([
      [1, 2, false],
      expect.arrayContaining([2]),
    ]);
    expect(await gw.stop()).toBe(0);

    // 2. Retirement, gateway stopped: export, removal, compaction in one command.
    const exportFile = join(dataDir, 'epoch-1.jsonl');
    const refused = runCli(['journal', 'retire-epoch', '--epoch', '1', '--export', exportFile], env);
    expect(refused.stderr).toContain('--reason TEXT is required');
    expect(refused.code).toBe(1);
    const retired = runCli(
      [
        'journal',
        'retire-epoch',
        '--epoch',
        '1',
        '--reason',
        'exported for the evidence archive',
        '--export',
        exportFile,
      ],
      env,
    );
    expect(retired.stderr).toBe('');
    expect(retired.stdout).toContain('retired epoch 1: 2 entry bodies removed');
    expect(retired.code).toBe(0);
    // The export keeps what was removed: bounds and key, the entries as signed, the checkpoints.
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ epoch: 1, firstSeq: 1, lastSeq: 2 });
    expect(lines[2]).toContain(OLD_NAME);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ checkpoint: expect.stringContaining('"treeSize":2') });

    // 3. Verified again, by the CLI and by the API.
    const cli = runCli(['journal', 'verify', '--json'], env);
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as Report;
    expect(report.epochs[0]).toMatchObject({ epoch: 1, entries: 2, retired: true, retiredEntries: 2 });
    expect(report.epochs[0]!.rootHash).toBe(api.epochs[0]!.rootHash);
    const again = await startGateway({ dataDir });
    const verifier = new Client(again.url);
    verifier.bearer = auditor.bearer;
    const afterApi = (await verifier.get<Report>('/api/v1/journal/verify')).body;
    expect(afterApi).toMatchObject({ ok: true, problems: [] });
    expect(afterApi.epochs[0]).toMatchObject({ epoch: 1, retired: true, retiredEntries: 2 });
    expect(await again.stop()).toBe(0);

    for (const file of ['gatehouse.db', 'gatehouse.db-wal'].map((f) => join(dataDir, f)).filter(existsSync)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(OLD_NAME))).toBe(false);
      expect(bytes.includes(Buffer.from(OLD_DEPARTMENT))).toBe(false);
    }
    removeDir(dataDir);
  });
});
