import { cardLoadBench } from './card-load';
import { correlationBench, rulesBench } from './correlation';
import { decisionBench } from './decision';
import { doorsBench } from './doors';
import { exportOpenBench } from './export-open';
import { gatingBench } from './gating';
import { importHeapBench } from './import-heap';
import { ingestBench } from './ingest';
import { journalBench } from './journal';
import { loginsBench } from './logins';
import { notifyBench } from './notify';
import { privacyBench } from './privacy';
import { journalRatioFigures } from './privacy-journal';
import { readersBench } from './readers';
import { startupBench } from './startup';

/**
 * `npm run bench -- <name> [options]` runs one benchmark, `npm run bench` all.
 * Each prints its workload and every figure beside its reference measured in the
 * same run, and ends with one line holding a JSON object of its figures.
 */
const BENCHES: Record<string, (args: string[]) => Promise<Record<string, number | string | null>>> = {
  journal: journalBench,
  decision: decisionBench,
  'card-load': cardLoadBench,
  doors: doorsBench,
  readers: readersBench,
  startup: startupBench,
  notify: notifyBench,
  privacy: privacyBench,
  correlation: correlationBench,
  rules: rulesBench,
  ingest: ingestBench,
  // The journal half of the privacy figures alone (privacy runs it too).
  'privacy-journal': journalRatioFigures,
  logins: loginsBench,
  gating: gatingBench,
  // The export's opening of personal values, measured by what it allocates.
  'export-open': exportOpenBench,
  // An import's heap: what it allocates, keeps, and what its scavenges copy.
  'import-heap': importHeapBench,
};

const main = async () => {
  const [name, ...rest] = process.argv.slice(2);
  const chosen = name && !name.startsWith('--') ? [name] : Object.keys(BENCHES);
  for (const bench of chosen) {
    const run = BENCHES[bench];
    if (!run) throw new Error(`unknown benchmark ${bench}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.stdout.write(`\n# ${bench}\n`);
    const figures = await run(name === bench ? rest : []);
    process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
