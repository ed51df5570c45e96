// Contract part: dead letters (newest-first listing, filters, paging, overwrite by id, exact payloads).
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../core/domain/dead-letter.ts';
import { aDeadLetter, deadLetterId, SECOND_MS, T0 } from '../fixtures/readings.ts';
import type { CurrentStore } from './telemetry-store-contract.ts';

const DEFAULT_LIMIT = 100;

/** Letters one second apart, oldest first. */
function lettersEverySecond(count: number, overrides: Parameters<typeof aDeadLetter>[0] = {}): DeadLetter[] {
  return Array.from({ length: count }, (_, i) => aDeadLetter({ ...overrides, receivedAtMs: T0 + i * SECOND_MS }));
}

const newestFirst = (letters: readonly DeadLetter[]): DeadLetter[] => [...letters].reverse();

export function describeDeadLetterContract(store: CurrentStore): void {
  describe('dead letters', () => {
    it('lists nothing on an empty store', async () => {
      expect(await store().listDeadLetters({ status: 'all' })).toEqual([]);
    });

    it('lists letters newest first, exactly as written', async () => {
      const oldest = aDeadLetter({ receivedAtMs: T0 });
      const sameMsFirst = aDeadLetter({ receivedAtMs: T0 + SECOND_MS, id: deadLetterId(T0 + SECOND_MS, 0), reason: 'invalid_json' });
      const sameMsSecond = aDeadLetter({ receivedAtMs: T0 + SECOND_MS, id: deadLetterId(T0 + SECOND_MS, 1), reason: 'unknown_meter' });

      await store().writeDeadLetters([sameMsFirst, oldest, sameMsSecond]);

      expect(await store().listDeadLetters({})).toStrictEqual([sameMsSecond, sameMsFirst, oldest]);
    });

    it('filters by status: pending by default, replayed, or all', async () => {
      const [p1, r1, p2] = [
        aDeadLetter({ receivedAtMs: T0, status: 'pending' }),
        aDeadLetter({ receivedAtMs: T0 + SECOND_MS, status: 'replayed' }),
        aDeadLetter({ receivedAtMs: T0 + 2 * SECOND_MS, status: 'pending' }),
      ];
      await store().writeDeadLetters([p1, r1, p2]);

      expect(await store().listDeadLetters({})).toStrictEqual([p2, p1]);
      expect(await store().listDeadLetters({ status: 'pending' })).toStrictEqual([p2, p1]);
      expect(await store().listDeadLetters({ status: 'replayed' })).toStrictEqual([r1]);
      expect(await store().listDeadLetters({ status: 'all' })).toStrictEqual([p2, r1, p1]);
    });

    it('filters by reason, together with the status filter', async () => {
      const json = aDeadLetter({ receivedAtMs: T0, reason: 'invalid_json' });
      const meter = aDeadLetter({ receivedAtMs: T0 + SECOND_MS, reason: 'unknown_meter' });
      const jsonReplayed = aDeadLetter({ receivedAtMs: T0 + 2 * SECOND_MS, reason: 'invalid_json', status: 'replayed' });
      await store().writeDeadLetters([json, meter, jsonReplayed]);

      expect(await store().listDeadLetters({ reason: 'invalid_json' })).toStrictEqual([json]);
      expect(await store().listDeadLetters({ reason: 'invalid_json', status: 'all' })).toStrictEqual([jsonReplayed, json]);
      expect(await store().listDeadLetters({ reason: 'future_timestamp', status: 'all' })).toEqual([]);
    });

    it('returns at most limit letters, the newest ones', async () => {
      const letters = lettersEverySecond(5);
      await store().writeDeadLetters(letters);

      expect(await store().listDeadLetters({ limit: 2 })).toStrictEqual(newestFirst(letters).slice(0, 2));
    });

    it(`returns at most ${DEFAULT_LIMIT} letters when no limit is given`, async () => {
      const letters = lettersEverySecond(DEFAULT_LIMIT + 20);
      await store().writeDeadLetters(letters);

      expect(await store().listDeadLetters({})).toStrictEqual(newestFirst(letters).slice(0, DEFAULT_LIMIT));
    });

    it('pages with beforeId through every letter, each exactly once', async () => {
      const letters = lettersEverySecond(7);
      await store().writeDeadLetters(letters);

      const pages: DeadLetter[][] = [];
      let page = await store().listDeadLetters({ limit: 3 });
      // Bounded, so a store that repeats the beforeId letter fails the assertion instead of looping.
      while (page.length > 0 && pages.length < 10) {
        pages.push(page);
        page = await store().listDeadLetters({ limit: 3, beforeId: page.at(-1)?.id });
      }

      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toStrictEqual(newestFirst(letters));
    });

    it('pages from a beforeId that is not itself a stored letter', async () => {
      const letters = lettersEverySecond(5);
      await store().writeDeadLetters(letters);

      const beforeId = deadLetterId(T0 + 3 * SECOND_MS, 500); // between the 4th and 5th letter

      expect(await store().listDeadLetters({ beforeId })).toStrictEqual(newestFirst(letters.slice(0, 4)));
    });

    it('overwrites a letter written again with the same id, without duplicating it', async () => {
      const pending = aDeadLetter({ status: 'pending' });
      await store().writeDeadLetters([pending]);
      const replayed: DeadLetter = { ...pending, status: 'replayed' };

      await store().writeDeadLetters([replayed]);

      expect(await store().listDeadLetters({ status: 'all' })).toStrictEqual([replayed]);
      expect(await store().listDeadLetters({})).toEqual([]);
    });

    it('round-trips payloads, details and topics byte for byte', async () => {
      const texts = [
        '{"flow":"he said \\"hi\\"","path":"C:\\\\k14"}',
        'line one\nline two\r\n\ttabbed, comma=equals "quoted" \'single\'',
        'µS/cm – 溫度 ✓ 🚰 \ufeff zero-width\u200b end',
        '',
      ];
      const binary = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a, 0x22, 0x5c]);
      const big = 'x"\n'.repeat(1_366).slice(0, 4_096);
      const letters = [
        ...texts.map((payload, i) =>
          aDeadLetter({ receivedAtMs: T0 + i * SECOND_MS, payload, payloadBytes: Buffer.byteLength(payload), detail: `detail "${i}"\nsecond line ✓`, topic: `k14/water/meter/rec z1 ✓/${i}` }),
        ),
        aDeadLetter({ receivedAtMs: T0 + 10 * SECOND_MS, reason: 'invalid_utf8', payload: binary.toString('base64'), payloadEncoding: 'base64', payloadBytes: binary.byteLength }),
        aDeadLetter({ receivedAtMs: T0 + 11 * SECOND_MS, reason: 'payload_too_large', payload: big, payloadBytes: 1_048_576, truncated: true }),
      ];

      await store().writeDeadLetters(letters);

      expect(await store().listDeadLetters({ status: 'all' })).toStrictEqual(newestFirst(letters));
    });
  });
}
