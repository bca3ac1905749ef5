/**
 * "Did you mean" suggestions by edit distance (optimal string alignment, so a swapped pair of
 * letters such as `hots` → `host` costs one edit, like a typo does).
 */

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo.
 *
 * @param word What the user wrote.
 * @param candidates What is allowed.
 * @returns The best candidate, or `undefined` when none is within the typo budget.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const budget = word.length <= 1 ? 0 : word.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const cost = distance === 0 && word !== candidate ? 0.5 : distance;
    if (cost < bestDistance) {
      best = candidate;
      bestDistance = cost;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const substitution = (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
