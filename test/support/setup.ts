import { contractMode, contractTally, formatViolation, takeViolations } from './contract';

// Integration tests drive real servers and workflows; crash tests wait for Temporal's activity timeouts.
jest.setTimeout(180_000);

// Every answer this file's suites received was checked against the API's OpenAPI document (support/http.ts).
afterAll(() => {
  const violations = takeViolations();
  if (violations.length === 0) return;
  const report =
    `${violations.length} way(s) the API's answers broke its OpenAPI document ` +
    `(${contractTally.checked} answers checked, ${contractTally.unchecked} unchecked):\n` +
    violations.map(formatViolation).join('\n');
  if (contractMode() === 'report') console.warn(report);
  else throw new Error(`${report}\n(PELEKAN_CONTRACT=report prints these without failing)`);
});
