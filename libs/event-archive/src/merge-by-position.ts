import type { RecordedEvent } from '#libs/event-store';

/**
 * Merges sources that are each in position order into one stream in position order. Few sources (a category's
 * files of the days read), so the smallest head is found by a scan.
 */
export async function* mergeByPosition(
  sources: AsyncIterable<RecordedEvent>[],
): AsyncGenerator<RecordedEvent> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const heads = await Promise.all(iterators.map((iterator) => iterator.next()));
  try {
    for (;;) {
      let smallest = -1;
      heads.forEach((head, i) => {
        if (!head.done && (smallest < 0 || head.value.position < heads[smallest]!.value.position))
          smallest = i;
      });
      if (smallest < 0) return;
      yield heads[smallest]!.value as RecordedEvent;
      heads[smallest] = await iterators[smallest]!.next();
    }
  } finally {
    await Promise.all(iterators.map((iterator) => iterator.return?.()));
  }
}
