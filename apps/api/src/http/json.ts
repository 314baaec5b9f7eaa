/** Money is bigint in code and a decimal string on the wire: every bigint leaves as its digits. */
export function jsonWithBigints(payload: unknown): string {
  return JSON.stringify(payload, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}
