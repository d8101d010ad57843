/**
 * The gateway is meant to run as `node --max-semi-space-size=2 main.js`.
 *
 * Why: V8 lets the young generation grow to 16 MiB a semi-space, and a young
 * collection (a scavenge) stops the event loop for as long as it takes to copy
 * what survives and to finalise the native objects that died (a cipher per
 * sealed or opened value, the Buffers crypto returns). Under an import and a
 * journal export at once, scavenges of the grown space held the loop 13-18 ms
 * on their own and made gaps of 26-45 ms with the work around them; capped at
 * 2 MiB they are smaller and more frequent, and the longest gap had a median
 * of 16.3 ms over 19 runs against 20.9 ms without (`npm run bench --
 * card-load`, BENCHMARKS.md, 2026-12-01). Login ingest and the sealed
 * journal's throughput moved within their run-to-run noise.
 *
 * V8 fixes the young generation's size when the process starts, so the flag
 * must be on the command line or in NODE_OPTIONS; `npm start`, `npm run bench`
 * and the README's commands carry it. A start without it is warned about, not
 * refused: the gateway works, with longer pauses.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=2';

const SETS_SEMI_SPACE = /^--max-semi-space-size(=|$)/;

/** Whether this process was started with a bound on its young generation (any value: the operator's choice). */
export const youngGenerationBounded = (
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean => [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => SETS_SEMI_SPACE.test(arg));

export const UNBOUNDED_YOUNG_GENERATION_WARNING = `node was started without ${YOUNG_GENERATION_FLAG}: garbage collections may hold the event loop (and card feedback) for 30 ms or more under an import or an export; start the gateway as \`node ${YOUNG_GENERATION_FLAG} dist/apps/gateway/src/main.js\` or set NODE_OPTIONS=${YOUNG_GENERATION_FLAG}`;
