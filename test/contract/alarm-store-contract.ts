// The AlarmStore contract: one behavioural suite every adapter (SQLite, InfluxDB) runs unchanged,
// fed with changes from the real cleanroom engine. It asserts only what core/ports/alarm-store.ts promises.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge } from '../../core/domain/cleanroom/cleanroom-engine.ts';
import { restore, snapshot } from '../../core/domain/cleanroom/engine-snapshot.ts';
import type { AlarmChange, AlarmStore } from '../../core/ports/alarm-store.ts';
import { MINUTE_MS } from '../unit/cleanroom/cleanroom-fixtures.ts';
import { aLargeSnapshotChange, anAlarmScenario } from './alarm-store-scenario.ts';

export interface MadeAlarmStore {
  /** Over an empty database, not yet started. */
  readonly store: AlarmStore;
  /** Another store over the same file or database, as a restarted process opens it; not started. */
  readonly reopen: () => AlarmStore;
  /** Removes whatever makeStore created; called after every store is closed. */
  readonly cleanup: () => Promise<void>;
}

const scenario = anAlarmScenario();
const { ids } = scenario;
const alarmOf = (id: string) => {
  const alarm = scenario.alarms.get(id);
  if (alarm === undefined) throw new Error(`scenario has no alarm ${id}`);
  return alarm;
};
const idsOf = (alarms: readonly { id: string }[]): string[] => alarms.map((a) => a.id).sort();
const sorted = (list: readonly string[]): string[] => [...list].sort();

export function describeAlarmStoreContract(name: string, makeStore: () => Promise<MadeAlarmStore>): void {
  describe(`AlarmStore contract: ${name}`, () => {
    let made: MadeAlarmStore | undefined;
    const opened: AlarmStore[] = [];

    beforeEach(async () => {
      made = await makeStore();
      await made.store.start();
    });

    afterEach(async () => {
      const finished = made;
      made = undefined;
      if (finished === undefined) return;
      try {
        await Promise.all([finished.store, ...opened.splice(0)].map((s) => s.close()));
      } finally {
        await finished.cleanup();
      }
    });

    const store = (): AlarmStore => {
      if (made === undefined) throw new Error('no store: makeStore or start() failed in beforeEach');
      return made.store;
    };
    const saveAll = async (changes: readonly AlarmChange[] = scenario.changes, into: AlarmStore = store()): Promise<void> => {
      for (const change of changes) await into.saveChanges(change);
    };

    describe('engine snapshot', () => {
      it('has none before the first save', async () => {
        expect(await store().loadSnapshot()).toBeUndefined();
      });

      it('gives back the snapshot of the last change, one restore() accepts', async () => {
        await saveAll();
        const loaded = await store().loadSnapshot();
        expect(loaded).toStrictEqual(scenario.snapshot);
        expect(restore(loaded)).toStrictEqual(scenario.snapshot);
      });

      it('keeps a snapshot beyond 64 KB with text outside the BMP, and a smaller one after it', async () => {
        const large = aLargeSnapshotChange();
        expect(JSON.stringify(large.snapshot).length).toBeGreaterThan(2 * 65_536);
        await store().saveChanges(large);
        expect(await store().loadSnapshot()).toStrictEqual(large.snapshot);

        await saveAll();
        expect(await store().loadSnapshot()).toStrictEqual(scenario.snapshot);
      });
    });

    describe('alarms', () => {
      it('keeps one record per alarm, as of its last change', async () => {
        await saveAll(scenario.changes.slice(0, 3));
        expect((await store().getAlarm(ids.maskExcursion))?.state).toBe('active-acknowledged');

        await saveAll(scenario.changes.slice(3));
        expect(await store().getAlarm(ids.maskExcursion)).toStrictEqual(alarmOf(ids.maskExcursion));
        const all = await store().listAlarms({ state: 'all' });
        expect(idsOf(all)).toStrictEqual(sorted([...scenario.alarms.keys()]));
        for (const alarm of all) expect(alarm).toStrictEqual(alarmOf(alarm.id));
      });

      it('lists as active every state but normal, shelved included', async () => {
        await saveAll();
        const active = await store().listAlarms({ state: 'active' });
        expect(idsOf(active)).toStrictEqual(sorted([ids.gowningExcursion, ids.maskStale02, ids.maskStale01, ids.gowningStale]));
        expect(active.find((a) => a.id === ids.maskStale02)?.state).toBe('shelved');
      });

      it('filters by room', async () => {
        await saveAll();
        expect(idsOf(await store().listAlarms({ state: 'all', roomId: 'mask-line' }))).toStrictEqual(sorted([ids.maskExcursion, ids.maskStale02, ids.maskStale01]));
        expect(idsOf(await store().listAlarms({ state: 'active', roomId: 'gowning' }))).toStrictEqual(sorted([ids.gowningExcursion, ids.gowningStale]));
        expect(await store().listAlarms({ state: 'all', roomId: 'no-such-room' })).toStrictEqual([]);
      });

      it('filters on raisedAt, half-open', async () => {
        await saveAll();
        const range = { fromMs: alarmOf(ids.gowningExcursion).raisedAt, toMs: alarmOf(ids.maskStale01).raisedAt };
        expect(idsOf(await store().listAlarms({ state: 'all', range }))).toStrictEqual(sorted([ids.gowningExcursion, ids.maskStale02]));
      });

      it('lists newest first, the first `limit` of them', async () => {
        await saveAll();
        const newestFirst = [...scenario.alarms.values()].map((a) => a.raisedAt).sort((a, b) => b - a);
        expect((await store().listAlarms({ state: 'all' })).map((a) => a.raisedAt)).toStrictEqual(newestFirst);

        const three = await store().listAlarms({ state: 'all', limit: 3 });
        expect(three.map((a) => a.raisedAt)).toStrictEqual(newestFirst.slice(0, 3));
        expect(idsOf(three)).toStrictEqual(sorted([ids.maskStale01, ids.gowningStale, ids.maskStale02]));
        expect(idsOf(await store().listAlarms({ state: 'active', roomId: 'mask-line', limit: 1 }))).toStrictEqual([ids.maskStale01]);
        expect(await store().listAlarms({ state: 'all', limit: 0 })).toStrictEqual([]);
      });

      it('answers undefined for an unknown alarm', async () => {
        await saveAll();
        expect(await store().getAlarm('mask-line/pms-01/0.5@0')).toBeUndefined();
      });
    });

    describe('transitions', () => {
      it('appends every transition in the order the engine made them', async () => {
        await saveAll();
        expect(await store().listTransitions({})).toStrictEqual(scenario.transitions);
      });

      it('adds nothing when changes are saved again, as after a failed or crashed save', async () => {
        await saveAll();
        const last = scenario.changes.at(-1);
        if (last !== undefined) await store().saveChanges(last);
        await saveAll();

        expect(await store().listTransitions({})).toStrictEqual(scenario.transitions);
        expect(idsOf(await store().listAlarms({ state: 'all' }))).toStrictEqual(sorted([...scenario.alarms.keys()]));
        expect(await store().loadSnapshot()).toStrictEqual(scenario.snapshot);
      });

      it('takes one change of hundreds of alarms and transitions (a catch-up after downtime) whole', async () => {
        const copies = 200;
        const shifted = scenario.changes.flatMap((change) => change.transitions).flatMap((t) =>
          Array.from({ length: copies }, (_, copy) => ({ ...t, alarmId: `${t.alarmId}-${copy}`, atMs: t.atMs + copy * MINUTE_MS })),
        );
        const alarms = [...scenario.alarms.values()].flatMap((a) => Array.from({ length: copies }, (_, copy) => ({ ...a, id: `${a.id}-${copy}`, raisedAt: a.raisedAt + copy * MINUTE_MS })));
        await store().saveChanges({ alarms, transitions: shifted, snapshot: scenario.snapshot });
        expect(shifted.length).toBeGreaterThan(500);
        expect((await store().listTransitions({ limit: 100_000 })).length).toBe(shifted.length);
        expect((await store().listAlarms({ state: 'all', limit: 100_000 })).length).toBe(alarms.length);
      });

      it("lists one alarm's audit trail in order, one millisecond's raise and acknowledge included", async () => {
        await saveAll();
        const trail = await store().listTransitions({ alarmId: ids.maskExcursion });
        expect(trail).toStrictEqual(scenario.transitions.filter((t) => t.alarmId === ids.maskExcursion));
        expect(trail.map((t) => t.cause)).toStrictEqual(['raised', 'acknowledged', 'severity-changed', 'cleared', 'acknowledged']);
        expect(trail[0]?.atMs).toBe(trail[1]?.atMs);
      });

      it('filters by room', async () => {
        await saveAll();
        const inGowning = scenario.transitions.filter((t) => alarmOf(t.alarmId).roomId === 'gowning');
        expect(inGowning.length).toBeGreaterThan(0);
        expect(await store().listTransitions({ roomId: 'gowning' })).toStrictEqual(inGowning);
        expect(await store().listTransitions({ roomId: 'gowning', alarmId: ids.maskExcursion })).toStrictEqual([]);
      });

      it('filters on atMs, half-open', async () => {
        await saveAll();
        const range = { fromMs: scenario.transitions[2]?.atMs ?? 0, toMs: alarmOf(ids.gowningExcursion).raisedAt };
        const expected = scenario.transitions.filter((t) => t.atMs >= range.fromMs && t.atMs < range.toMs);
        expect(expected.map((t) => t.cause)).toStrictEqual(['severity-changed', 'cleared', 'acknowledged']);
        expect(await store().listTransitions({ range })).toStrictEqual(expected);
      });

      it('gives the oldest `limit` transitions', async () => {
        await saveAll();
        expect(await store().listTransitions({ limit: 2 })).toStrictEqual(scenario.transitions.slice(0, 2));
        expect(await store().listTransitions({ roomId: 'mask-line', limit: 0 })).toStrictEqual([]);
      });
    });

    describe('restart', () => {
      it('a store reopened on the same data sees everything and carries on without duplicates', async () => {
        await saveAll();
        await store().close();
        const again = made?.reopen();
        if (again === undefined) throw new Error('no store to reopen');
        opened.push(again);
        await again.start();

        const loaded = await again.loadSnapshot();
        expect(loaded).toStrictEqual(scenario.snapshot);
        expect(await again.listTransitions({})).toStrictEqual(scenario.transitions);
        expect(idsOf(await again.listAlarms({ state: 'active' }))).toStrictEqual(sorted([ids.gowningExcursion, ids.maskStale02, ids.maskStale01, ids.gowningStale]));

        // The restarted engine resumes from the snapshot: the last change retried, then a new command.
        await saveAll(scenario.changes.slice(-1), again);
        const nowMs = (scenario.transitions.at(-1)?.atMs ?? 0) + MINUTE_MS;
        const result = acknowledge(restore(loaded), ids.gowningExcursion, 'operator.lin', 'filter change on the gowning bench', nowMs);
        await again.saveChanges({ alarms: result.alarms, transitions: result.transitions, snapshot: snapshot(result.state) });

        expect(await again.listTransitions({})).toStrictEqual([...scenario.transitions, ...result.transitions]);
        expect((await again.getAlarm(ids.gowningExcursion))?.state).toBe('active-acknowledged');
        expect(await again.loadSnapshot()).toStrictEqual(result.state);
      });
    });
  });
}
