/** A line diff (longest common subsequence), for the revisions view and for splicing YAML edits into a source. */

export type DiffOp =
  | { kind: "equal"; text: string; oldLine: number; newLine: number }
  | { kind: "removed"; text: string; oldLine: number }
  | { kind: "added"; text: string; newLine: number };

/** Above this many cells the LCS table is not built: the differing middle is shown as removed then added. */
const MAX_CELLS = 4_000_000;

/**
 * The operations turning `before` into `after`, line by line, in order. Line numbers are 1-based. The common head
 * and tail are matched first, so typical edits (a few lines changed in a long file) cost little.
 */
export function diffLines(before: string[], after: string[]): DiffOp[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;

  const ops: DiffOp[] = [];
  for (let i = 0; i < head; i++)
    ops.push({
      kind: "equal",
      text: before[i],
      oldLine: i + 1,
      newLine: i + 1,
    });

  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  ops.push(...middle(a, b, head));

  for (let k = tail; k > 0; k--) {
    const oldIndex = before.length - k;
    const newIndex = after.length - k;
    ops.push({
      kind: "equal",
      text: before[oldIndex],
      oldLine: oldIndex + 1,
      newLine: newIndex + 1,
    });
  }
  return ops;
}

function middle(a: string[], b: string[], offset: number): DiffOp[] {
  const ops: DiffOp[] = [];
  if (a.length * b.length > MAX_CELLS) {
    a.forEach((text, i) => ops.push({ kind: "removed", text, oldLine: offset + i + 1 }));
    b.forEach((text, j) => ops.push({ kind: "added", text, newLine: offset + j + 1 }));
    return ops;
  }
  // lengths[i][j]: the LCS length of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({
        kind: "equal",
        text: a[i],
        oldLine: offset + i + 1,
        newLine: offset + j + 1,
      });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      ops.push({ kind: "removed", text: a[i], oldLine: offset + i + 1 });
      i++;
    } else {
      ops.push({ kind: "added", text: b[j], newLine: offset + j + 1 });
      j++;
    }
  }
  for (; i < a.length; i++) ops.push({ kind: "removed", text: a[i], oldLine: offset + i + 1 });
  for (; j < b.length; j++) ops.push({ kind: "added", text: b[j], newLine: offset + j + 1 });
  return ops;
}

/** Lines of a text as an editor shows them (a final newline does not start another line). */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export interface DiffStats {
  added: number;
  removed: number;
}

export function diffStats(ops: DiffOp[]): DiffStats {
  let added = 0;
  let removed = 0;
  for (const op of ops) {
    if (op.kind === "added") added++;
    else if (op.kind === "removed") removed++;
  }
  return { added, removed };
}
