export type Log = (message: string) => void;

export const consoleLog: Log = (message) => console.log(`[pelekan] ${message}`);
