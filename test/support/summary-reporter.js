/**
 * Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI
 * tooling reads, and under CI=true fails the run if any test was skipped or left
 * as a todo: nothing in CI may be skipped.
 */
class SummaryReporter {
  constructor() {
    this.error = undefined;
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line =
      `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed` +
      (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
    if (process.env.CI === 'true' && skipped > 0) {
      this.error = new Error(`${skipped} test(s) skipped under CI`);
      process.stdout.write(`${this.error.message}: failing the run\n`);
    }
    if (results.numTotalTests === 0) this.error = new Error('no test ran');
  }
  getLastError() {
    return this.error;
  }
}
module.exports = SummaryReporter;
