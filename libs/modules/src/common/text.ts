import type { FieldProblem } from './errors';

/**
 * Text PostgreSQL cannot store, or that is not text at all: the NUL character (PostgreSQL's text
 * type refuses it, which would surface as a 500) and UTF-16 surrogates without their pair (not
 * valid Unicode; they cannot be encoded as UTF-8).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unsafeTextReason(text: string): string | null {
  const match = UNSAFE.exec(text);
  if (!match) return null;
  return match[0] === '\u0000'
    ? 'contains a NUL character (U+0000), which is not allowed in text'
    : 'contains an unpaired UTF-16 surrogate, which is not valid Unicode text';
}

/** Every string (and object key) in `value` that is not storable text, named by its path (`items[2].titleFa`). */
export function unsafeTextProblems(value: unknown, path = '', depth = 0, problems: FieldProblem[] = []): FieldProblem[] {
  if (problems.length >= 20 || depth > 32) return problems;
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value);
    if (reason) problems.push({ field: path || 'body', reason });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unsafeTextProblems(v, `${path}[${i}]`, depth + 1, problems));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const child = path ? `${path}.${key}` : key;
      const reason = unsafeTextReason(key);
      if (reason) problems.push({ field: child, reason: `the field name ${reason}` });
      else unsafeTextProblems(v, child, depth + 1, problems);
    }
  }
  return problems;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML (element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
