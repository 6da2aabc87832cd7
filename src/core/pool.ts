/**
 * Runs `work` over `items` with at most `limit` in flight. After the first failure no new item is
 * started; the ones in flight finish, and every failure is reported together.
 */
export class PoolError extends Error {
  constructor(readonly errors: unknown[]) {
    super(errors.map((e) => (e as Error).message ?? String(e)).join('; '));
    this.name = 'PoolError';
  }
}

export async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (errors.length === 0 && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new PoolError(errors);
  return results;
}
