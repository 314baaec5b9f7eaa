export default async function globalTeardown(): Promise<void> {
  await globalThis.__PELEKAN_STACK_STOP__?.();
}
