/**
 * Retries `assertion` until it stops throwing or `timeoutMs` passes (then rethrows its last error).
 * For effects that happen asynchronously (outbox relay, sockets).
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  timeoutMs = 5000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
