export type ElectronBinary = { found: true; path: string } | { found: false; path: string | null; reason: string };

export function defaultElectronDir(): string;
export function findElectronBinary(options?: {
  electronDir?: string;
  env?: Record<string, string | undefined>;
}): ElectronBinary;
