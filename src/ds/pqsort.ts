/*
 * Partial quicksort: Redis's pqsort (pqsort.c), reproduced for its exact output order.
 *
 * The algorithm is Bentley & McIlroy's "Engineering a Sort Function" quicksort: insertion sort
 * below 7 elements, a median-of-three pivot (ninther above 40), three-way partitioning that
 * parks elements equal to the pivot at both ends and swaps them back to the middle. The
 * partial twist: a partition is only sorted further when it overlaps the wanted index range
 * [lrange, rrange], so asking for the first k of n elements costs about O(n + k log k).
 *
 * Why reproduce it rather than sort fully: the sort is not stable, and GEORADIUS/GEOSEARCH
 * with COUNT use it. Elements with equal keys (points at the same distance) come out in the
 * order this very algorithm leaves them, and replies must list them as Redis does.
 */

/** Sort `arr` in place so that indices lrange..rrange hold what a full sort would put there. */
export function pqsort<T>(arr: T[], cmp: (a: T, b: T) => number, lrange: number, rrange: number): void {
  const swap = (i: number, j: number): void => {
    const t = arr[i] as T;
    arr[i] = arr[j] as T;
    arr[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number): number => cmp(arr[i] as T, arr[j] as T);
  const med3 = (a: number, b: number, d: number): number =>
    c(a, b) < 0 ? (c(b, d) < 0 ? b : c(a, d) < 0 ? d : a) : c(b, d) > 0 ? b : c(a, d) < 0 ? a : d;
  const outside = (lo: number, hi: number): boolean => (lrange < lo && rrange < lo) || (lrange > hi && rrange > hi);

  const sortRange = (start: number, count: number): void => {
    let a = start;
    let n = count;
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++) {
          for (let pl = pm; pl > a && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
        }
        return;
      }
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = a + 1;
      let pc = a + n - 1;
      let pd = a + n - 1;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = c(pb, a)) <= 0) {
          if (r === 0) {
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = c(pc, a)) >= 0) {
          if (r === 0) {
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      r = pb - pa;
      if (r > 1 && !outside(a, a + r - 1)) sortRange(a, r);
      r = pd - pc;
      if (r <= 1) return;
      a = pn - r;
      n = r;
      if (outside(a, a + r - 1)) return;
    }
  };
  sortRange(0, arr.length);
}
