import { performance } from 'node:perf_hooks';
import { callCentreWeek, runWeek, scoreWeek } from '@gatehouse/testing';
import { option, percentile, round, say } from './util';

/**
 * `npm run bench -- correlation [--people 500] [--breaches 5] [--seed 7]`:
 * the rules over a labelled working week of a call centre (the generator in
 * libs/testing/src/call-centre-week.ts says what counts as a breach): recall
 * and false alerts. Beside them, the reference: how many alerts a rule
 * without the grace and the late-fact re-evaluation would raise is not a
 * fair reference, so the reference row is the labels themselves.
 */
export const correlationBench = async (args: string[]) => {
  const people = option(args, 'people', 500);
  const week = callCentreWeek({
    people,
    seed: option(args, 'seed', 7),
    breachesPerRule: option(args, 'breaches', 5),
  });
  say(
    `workload: ${people} people, 5 days, ${week.deliveries.length} facts, ${week.logins} logins and unlocks`,
  );
  const run = runWeek(week);
  const score = scoreWeek(week, run);
  const byRule = new Map<string, { injected: number; detected: number }>();
  for (const l of week.labels) {
    const r = byRule.get(l.rule) ?? { injected: 0, detected: 0 };
    r.injected++;
    if (!score.missed.includes(l)) r.detected++;
    byRule.set(l.rule, r);
  }
  for (const [rule, r] of byRule) say(`  ${rule.padEnd(26)} injected ${r.injected}, detected ${r.detected}`);
  for (const f of score.falseAlerts.slice(0, 10))
    say(`  false alert: ${f.rule} ${f.personId ?? ''} ${f.summary}`);
  for (const m of score.missed.slice(0, 10)) say(`  missed: ${m.rule} ${m.personId ?? ''} ${m.what}`);
  say(
    `engine counters: ${JSON.stringify({ ...run.engine.counters, raised: undefined, withdrawn: undefined })}`,
  );
  return {
    injected: score.injected,
    detected: score.detected,
    recall: round(score.recall, 3),
    false_alerts: score.false_alerts,
    false_alerts_per_1000_logins: round(score.false_alerts_per_1000_logins, 3),
    false_alerts_standing: score.false_alerts_standing,
    withdrawn: score.withdrawn,
  };
};

/**
 * `npm run bench -- rules`: the time each fact takes through the rules, over
 * the same week (run twice in the process: the figures are the second, warm
 * week; `cold_*` the first), with the CPU time per fact (steadier than wall
 * time on a shared machine), beside the reference of the same facts only
 * stored in order per person (the bookkeeping every rule needs, judging nothing).
 */
export const rulesBench = async (args: string[]) => {
  const week = callCentreWeek({ people: option(args, 'people', 500), seed: option(args, 'seed', 7) });
  // The first week through a fresh process is mostly the JIT compiling the rules; a gateway runs
  // for days. Both are reported: the week as the first one (cold), and the next (warm).
  const timedWeek = () => {
    const times: number[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    runWeek(week, (observe) => {
      const t = performance.now();
      observe();
      times.push(performance.now() - t);
    });
    const total = performance.now() - started;
    // CPU time is steadier than wall time on a shared machine (the neighbours' load is not in it).
    const used = process.cpuUsage(cpu);
    return { times, total, cpuUsPerFact: (used.user + used.system) / week.deliveries.length };
  };
  const cold = timedWeek();
  const { times, total, cpuUsPerFact } = timedWeek();
  // Reference: each fact appended to its person's list and the list kept sorted by time.
  const lists = new Map<string, { at: number }[]>();
  const refStarted = performance.now();
  for (const { fact } of week.deliveries) {
    const key = fact.personId ?? 'none';
    const list = lists.get(key) ?? [];
    list.push(fact);
    if (list.length > 1 && list[list.length - 2]!.at > fact.at) list.sort((a, b) => a.at - b.at);
    lists.set(key, list);
  }
  const refTotal = performance.now() - refStarted;
  const eventsPerS = (week.deliveries.length * 1000) / total;
  say(`workload: ${week.deliveries.length} facts in arrival order (late and reordered ones included)`);
  say(
    `rules:     ${Math.round(eventsPerS)} facts/s (with ticks), p99 ${round(percentile(times, 99), 3)} ms per fact`,
  );
  say(`           ${round(cpuUsPerFact, 1)} µs of CPU per fact (with ticks), warm`);
  say(
    `cold:      ${Math.round((week.deliveries.length * 1000) / cold.total)} facts/s, ${round(cold.cpuUsPerFact, 1)} µs of CPU per fact (the first week in the process)`,
  );
  say(
    `reference: ${Math.round((week.deliveries.length * 1000) / refTotal)} facts/s kept in order per person, no rules`,
  );
  return {
    events_per_s: Math.round(eventsPerS),
    rule_p99_ms: round(percentile(times, 99), 3),
    rule_max_ms: round(Math.max(...times), 3),
    cpu_us_per_fact: round(cpuUsPerFact, 1),
    cold_events_per_s: Math.round((week.deliveries.length * 1000) / cold.total),
    cold_cpu_us_per_fact: round(cold.cpuUsPerFact, 1),
    reference_events_per_s: Math.round((week.deliveries.length * 1000) / refTotal),
  };
};
