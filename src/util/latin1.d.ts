// Node's Buffer has fast latin1 slice/write methods that @types/node does not declare.
// Keys and values are latin1 strings throughout nodis, so these are on the hot path.
export {};
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
