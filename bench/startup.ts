import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { option, percentile, round, say } from './util';

const ROOT = resolve(__dirname, '..', '..');

export const freePort = (): Promise<number> =>
  new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** Spawns a process and times it from spawn to the first 200 from `path`. */
const timeToReady = async (args: string[], env: Record<string, string>, port: number, path: string) => {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  for (;;) {
    if (performance.now() - started > 120_000) {
      child.kill('SIGTERM');
      throw new Error(`${args.join(' ')} did not become ready in 120 s`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { ms: performance.now() - started, child };
};

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
};

export const startupBench = async (args: string[]): Promise<Record<string, number>> => {
  const runs = option(args, 'runs', 5);
  const idleSeconds = option(args, 'idle-seconds', 5);
  const demoRuns = option(args, 'demo-runs', 3);
  say(
    `workload: ${runs} cold starts of the built gateway on a fresh data folder (keys and database created), until /health/ready answers 200`,
  );
  const MAIN = join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
  /** Starts the gateway on a fresh data folder until ready; with `idle`, its resident memory after that long idle. */
  const coldStart = async (extraArgs: string[], env: Record<string, string>, idle: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-bench-start-'));
    const port = await freePort();
    const { ms, child } = await timeToReady(
      [MAIN, ...extraArgs],
      {
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_HTTP_PORT: String(port),
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64'),
        ...env,
      },
      port,
      '/health/ready',
    );
    let rss = 0;
    if (idle) {
      await new Promise((done) => setTimeout(done, idleSeconds * 1000));
      rss = rssMb(child.pid!);
    }
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(dir, { recursive: true, force: true });
    return { ms, rss };
  };
  const gateway: number[] = [];
  const bare: number[] = [];
  let rss = 0;
  for (let r = 0; r < runs; r++) {
    const start = await coldStart([], {}, r === runs - 1);
    gateway.push(start.ms);
    rss = start.rss;

    // Reference: a bare Fastify server answering one route, started the same way.
    const barePort = await freePort();
    const script = `require('fastify')().get('/', async () => 'ok').listen({ port: ${barePort}, host: '127.0.0.1' })`;
    const reference = await timeToReady(['-e', script], {}, barePort, '/');
    bare.push(reference.ms);
    reference.child.kill('SIGTERM');
    await new Promise((done) => reference.child.once('exit', done));
  }
  // The demo site (`npm start`): OSDP and bridge readers on pseudo-terminals, the embedded MQTT
  // broker on a free port, five sensors, the simulator process.
  const demo: number[] = [];
  let demoRss = 0;
  for (let r = 0; r < demoRuns; r++) {
    const brokerPort = String(await freePort());
    const start = await coldStart(
      ['--default-config', 'config/demo-site.yaml'],
      { GATEHOUSE_MQTT_EMBEDDED_BROKER_PORT: brokerPort },
      r === demoRuns - 1,
    );
    demo.push(start.ms);
    demoRss = start.rss;
  }
  const median = percentile(gateway, 50);
  const bareMedian = percentile(bare, 50);
  say(`cold start to ready: median ${Math.round(median)} ms (max ${Math.round(Math.max(...gateway))} ms)`);
  say(`reference, bare Fastify hello-world to first answer: median ${Math.round(bareMedian)} ms`);
  say(`resident memory after ${idleSeconds} s idle: ${round(rss)} MB`);
  const demoMedian = percentile(demo, 50);
  say(
    `demo site (config/demo-site.yaml: 4 readers on 2 serial buses, embedded MQTT broker, 5 sensors, simulator): start to ready median ${Math.round(demoMedian)} ms of ${demoRuns}; gateway resident memory after ${idleSeconds} s idle ${round(demoRss)} MB (the simulator is its own process, not counted)`,
  );
  return {
    cold_start_ms: Math.round(median),
    bare_fastify_start_ms: Math.round(bareMedian),
    rss_idle_mb: round(rss),
    demo_start_ms: Math.round(demoMedian),
    demo_rss_idle_mb: round(demoRss),
  };
};
