/**
 * Evidence may be a document, an image, an office file or plain text. The type is read from the
 * bytes, not trusted from the upload's header, so a renamed executable is refused.
 */
export const ACCEPTED_EVIDENCE_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip',
  'text/plain',
  'text/csv',
] as const;

const OOXML_BY_EXTENSION: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The evidence type of `bytes`, or null when it is none of the accepted kinds. */
export function sniffEvidenceType(bytes: Buffer, filename: string, declaredType: string): string | null {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const extension = filename.toLowerCase().split('.').pop() ?? '';
    return OOXML_BY_EXTENSION[extension] ?? 'application/zip';
  }
  if (isUtf8Text(bytes)) {
    return declaredType === 'text/csv' || filename.toLowerCase().endsWith('.csv') ? 'text/csv' : 'text/plain';
  }
  return null;
}

function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Keeps an uploaded file's name printable and harmless in a Content-Disposition header. */
export function sanitizeFilename(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const base = ((name ?? '').split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  // By code points: cutting by UTF-16 units could leave half a surrogate pair.
  return Array.from(base || 'evidence').slice(0, 200).join('');
}
