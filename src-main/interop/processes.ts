// Child processes for interop tests: a free loopback port, a readiness poll instead of sleeps, and a stop that
// waits for the process to be gone.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Collects a child's output so a failure can show it. */
export function captureOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

/** Polls `url` until `ready(status, body)` holds; fails early if the process exits, or after `timeoutMs`. */
export async function waitUntilServing(
  url: string,
  child: ChildProcess,
  output: () => string,
  ready: (status: number, body: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let delay = 20;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server process exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (ready(res.status, body)) return body;
      last = `HTTP ${res.status}: ${body.slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (last: ${last}):\n${output()}`);
}

export async function stopProcess(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Starts a server process and waits until `readyUrl` answers as `ready` says; stops it again if it never does.
 * Returns the child and the body of the ready answer. */
export async function startServer(
  command: string,
  args: string[],
  options: SpawnOptions,
  readyUrl: string,
  ready: (status: number, body: string) => boolean,
): Promise<{ child: ChildProcess; output: () => string; body: string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  try {
    return { child, output, body: await waitUntilServing(readyUrl, child, output, ready) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}
