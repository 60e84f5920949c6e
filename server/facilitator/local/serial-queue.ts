/**
 * Runs async tasks one at a time. The facilitator's key sends every settlement; two concurrent
 * sends would read the same pending nonce and one would be dropped, so sends go through here.
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
