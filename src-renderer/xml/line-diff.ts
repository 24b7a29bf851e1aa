// A line diff of two documents (the pretty-printed XML of two logins in Compare), with runs of unchanged lines
// folded to a count. Longest common subsequence over lines after trimming the common head and tail; documents too
// large for that (the table would not fit in memory) are shown as one changed block instead of stalling the UI.

export type DiffLine = { kind: 'same' | 'removed' | 'added'; text: string; a: number | null; b: number | null };
export type DiffRow = DiffLine | { kind: 'folded'; count: number };

/** At most this many cells in the LCS table (rows × columns after trimming). */
const MAX_CELLS = 4_000_000;

export function diffLines(a: string[], b: string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i]!, a: i + 1, b: i + 1 });
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  const n = ma.length;
  const m = mb.length;
  if (n * m > MAX_CELLS) {
    ma.forEach((text, i) => out.push({ kind: 'removed', text, a: head + i + 1, b: null }));
    mb.forEach((text, j) => out.push({ kind: 'added', text, a: null, b: head + j + 1 }));
  } else {
    // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..], in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = ma[i] === mb[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        out.push({ kind: 'same', text: ma[i]!, a: head + i + 1, b: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        out.push({ kind: 'removed', text: ma[i]!, a: head + i + 1, b: null });
        i++;
      } else {
        out.push({ kind: 'added', text: mb[j]!, a: null, b: head + j + 1 });
        j++;
      }
    }
  }
  for (let k = 0; k < tail; k++) {
    const ai = a.length - tail + k;
    const bi = b.length - tail + k;
    out.push({ kind: 'same', text: a[ai]!, a: ai + 1, b: bi + 1 });
  }
  return out;
}

/** Folds runs of unchanged lines longer than 2 × context + 1, keeping `context` lines around each change. */
export function foldUnchanged(lines: DiffLine[], context = 2): DiffRow[] {
  const out: DiffRow[] = [];
  let run: DiffLine[] = [];
  const flush = (atStart: boolean, atEnd: boolean): void => {
    const keepHead = atStart ? 0 : context;
    const keepTail = atEnd ? 0 : context;
    if (run.length > keepHead + keepTail + 1) {
      out.push(...run.slice(0, keepHead), { kind: 'folded', count: run.length - keepHead - keepTail }, ...run.slice(run.length - keepTail));
    } else {
      out.push(...run);
    }
    run = [];
  };
  let seenChange = false;
  for (const line of lines) {
    if (line.kind === 'same') {
      run.push(line);
    } else {
      flush(!seenChange, false);
      seenChange = true;
      out.push(line);
    }
  }
  flush(!seenChange, true);
  return out;
}
