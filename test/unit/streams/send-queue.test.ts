// SendQueue: frames go out on a later tick, only while the socket buffer is under its bound, resume
// when the socket drains, and an overflow of live messages is reported instead of growing memory.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SendQueue, type FrameSink } from '../../../api/streams/send-queue.ts';
import type { StreamEvent } from '../../../api/streams/stream-event.ts';

// A socket whose kernel never takes anything until told to: bytes pile up in bufferedAmount.
class FakeSink implements FrameSink {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private readonly pending: Array<() => void> = [];
  send(data: Buffer, _options: { binary: boolean }, callback?: () => void): void {
    this.sent.push(data.toString());
    this.bufferedAmount += data.length;
    this.pending.push(() => callback?.());
  }
  drain(): void {
    this.bufferedAmount = 0;
    for (const done of this.pending.splice(0)) done();
  }
}

const frame = (n: number) => Buffer.from(JSON.stringify({ n }).padEnd(100));
const event = (id: number): StreamEvent => ({ id, channel: 'water', type: 'kpis', at: '2024-01-01T00:00:00.000Z', data: null });

function setup(maxQueuedMessages = 10, maxBufferedBytes = 350) {
  const sink = new FakeSink();
  const overflows: Array<{ queued: number; bufferedBytes: number }> = [];
  const queue = new SendQueue({ sink, maxQueuedMessages, maxBufferedBytes, onOverflow: (s) => overflows.push(s) });
  return { sink, queue, overflows };
}

describe('SendQueue', () => {
  it('sends nothing synchronously, then up to the byte bound, then resumes on drain', async () => {
    const { sink, queue } = setup();
    for (let n = 0; n < 6; n += 1) queue.push(frame(n));
    expect(sink.sent).toHaveLength(0);
    await nextTurn();
    expect(sink.sent).toHaveLength(4);
    expect(queue.queued).toBe(2);
    sink.drain();
    await nextTurn();
    expect(sink.sent.map((s) => JSON.parse(s).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queue.queued).toBe(0);
  });

  it('reports overflow of live messages and does not queue past the bound', async () => {
    const { queue, overflows } = setup(3);
    for (let n = 0; n < 5; n += 1) queue.push(frame(n));
    expect(queue.queued).toBe(3);
    expect(overflows).toEqual([
      { queued: 3, bufferedBytes: 0 },
      { queued: 3, bufferedBytes: 0 },
    ]);
  });

  it('sends a replay in order without counting it against the live bound', async () => {
    const { sink, queue, overflows } = setup(2, 10_000);
    queue.push(frame(0));
    queue.pushReplay(Array.from({ length: 50 }, (_, i) => event(i + 1)));
    queue.push(frame(1));
    await nextTurn();
    expect(overflows).toEqual([]);
    expect(sink.sent).toHaveLength(52);
    expect(JSON.parse(sink.sent[1]!).event.id).toBe(1);
    expect(JSON.parse(sink.sent[51]!).n).toBe(1);
  });

  it('drops everything on close and sends nothing more', async () => {
    const { sink, queue } = setup();
    queue.push(frame(0));
    queue.close();
    queue.push(frame(1));
    await nextTurn();
    expect(sink.sent).toEqual([]);
  });
});
