/**
 * Runs a benchmark's `main`: it resolves to true when one of its sanity checks failed (the bench then prints
 * `SANITY CHECK FAILED` with `what` and exits 1); a thrown error is printed and exits 1 too.
 */
export function runBench(main: () => Promise<boolean>, what = ''): void {
  main().then(
    (failed) => {
      if (!failed) return;
      console.error(`SANITY CHECK FAILED${what ? ` (${what})` : ''}`);
      process.exit(1);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
