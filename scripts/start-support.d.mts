export const BUILD_INPUTS: string[];
export const BUILD_OUTPUTS: string[];
export const EARLY_EXIT_MS: number;

export function buildFreshness(root: string): { fresh: boolean; reason: string };
export function linuxSandboxProblem(options: {
  platform: string;
  electronBinary: string;
  readText?: (path: string) => string | null;
  statOf?: (path: string) => { uid: number; mode: number } | null;
}): string | null;
export function earlyExitMessage(exit: {
  code: number | null;
  signal: string | null;
  elapsedMs: number;
  stderrTail: string;
  sandboxHint: string | null;
}): string | null;
export const INSTALL_RETRY_MS: number;
export function shouldTryInstall(options: { markerPath: string; electronVersion: string; now: number }): boolean;
export function recordInstallFailure(options: { markerPath: string; electronVersion: string; now: number }): void;
