/**
 * Money is bigint in code and a decimal string on the wire: every bigint leaves as its digits.
 * Most answers carry no bigint (views already hold rials as strings), and a replacer costs a call per
 * value, so the plain stringify goes first; JSON.stringify throws on a bigint, which sends the answer
 * through the replacer instead.
 */
export function jsonWithBigints(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  }
}
